package io.kafkasas.ops.bench;

import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the status topic from its end (read_committed, as the supervisor reads it) and keeps, per task, when it
 * was first QUEUED, STARTED and SUCCEEDED by the statuses' own timestamps (one machine, one clock).
 */
public final class StatusTimes implements AutoCloseable {

    public static final int QUEUED = 0;
    public static final int STARTED = 1;
    public static final int SUCCEEDED = 2;

    private final Map<String, long[]> times = new ConcurrentHashMap<>();
    private final AtomicLongArray counts = new AtomicLongArray(3);
    private final KafkaConsumer<String, TaskStatus> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public StatusTimes(Map<String, Object> kafka, Topic<String, TaskStatus> topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now: only what comes after counts
        thread = new Thread(this::run, "bench-statuses");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, TaskStatus> record : consumer.poll(Duration.ofMillis(100))) {
                    int stage = switch (record.value().getStatus()) {
                        case QUEUED -> QUEUED;
                        case STARTED -> STARTED;
                        case SUCCEEDED -> SUCCEEDED;
                        default -> -1;
                    };
                    if (stage >= 0) {
                        long[] at = times.computeIfAbsent(record.value().getTaskId(), k -> new long[] {-1, -1, -1});
                        if (at[stage] < 0) {
                            at[stage] = record.value().getTimestamp().toEpochMilli();
                            counts.incrementAndGet(stage);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close();
        }
    }

    public long count(int stage) {
        return counts.get(stage);
    }

    /** Waits until {@code n} tasks reached {@code stage}; false after {@code timeout}. */
    public boolean await(int stage, long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(stage) < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    /** When the task reached each stage (epoch ms, -1 if not yet). */
    long[] of(String taskId) {
        return times.getOrDefault(taskId, new long[] {-1, -1, -1});
    }

    /** The latest time any task reached {@code stage}. */
    long last(int stage) {
        return times.values().stream().mapToLong(t -> t[stage]).max().orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
