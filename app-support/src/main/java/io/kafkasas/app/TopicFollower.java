package io.kafkasas.app;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads topics from their end, read_committed, on a daemon thread of its own, and hands every record to
 * {@code onRecord}: what happens from now on, without a consumer group. A value deserializer that can fail stops
 * the thread at that record, so pass bytes and decode in {@code onRecord} where input may be bad.
 *
 * <p>{@link #caughtUpAt} says how current that is: every 250 ms the follower asks the broker for the end offsets,
 * and if it has read up to them, every record written before it asked has been handed over.
 */
public final class TopicFollower<V> implements AutoCloseable {

    private static final Duration CATCH_UP_CHECK = Duration.ofMillis(250);

    private final KafkaConsumer<String, V> consumer;
    private final Consumer<ConsumerRecord<String, V>> onRecord;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Instant caughtUpAt;
    private Instant lastAsked = Instant.EPOCH;

    public TopicFollower(String name, Map<String, Object> kafka, List<String> topics, Deserializer<String> keys,
                  Deserializer<V> values, Consumer<ConsumerRecord<String, V>> onRecord) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, keys, values);
        this.onRecord = onRecord;
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now: only what comes after counts
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(100)).forEach(onRecord);
                checkCaughtUp();
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close();
        }
    }

    private void checkCaughtUp() {
        Instant asked = Instant.now();
        if (Duration.between(lastAsked, asked).compareTo(CATCH_UP_CHECK) < 0) {
            return;
        }
        lastAsked = asked;
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CATCH_UP_CHECK);
            if (partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                caughtUpAt = asked;
            }
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // the broker did not answer: caughtUpAt stays as it was and ages
        }
    }

    /** When the follower last had every record written before then, or null if it never had. */
    public Instant caughtUpAt() {
        return caughtUpAt;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
