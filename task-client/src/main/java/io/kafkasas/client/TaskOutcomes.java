package io.kafkasas.client;

import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for tasks to end, as the status topic tells it: the first SUCCEEDED, CANCELLED, DEAD_LETTERED or REJECTED
 * of a task. A request that repeated an idempotency key gets a DUPLICATE status naming the task that runs in its
 * place; the wait then follows that task, and the ending it returns carries that task's id. Each wait reads only
 * the task's own partition of the status topic (statuses are keyed by task id), committed records only, from a
 * given time; it joins no consumer group.
 *
 * <p>A success reported by an attempt that the supervisor had already replaced (its agent was declared dead) counts
 * as the outcome here, since the work was done; the supervisor's record, {@code GET /tasks/{id}}, says the same
 * unless a later attempt of that task ends otherwise.
 */
public final class TaskOutcomes implements AutoCloseable {

    /** The statuses after which a task changes no more. */
    public static final Set<TaskStatusType> ENDINGS = EnumSet.of(TaskStatusType.SUCCEEDED, TaskStatusType.CANCELLED,
        TaskStatusType.DEAD_LETTERED, TaskStatusType.REJECTED);
    /** Statuses may be stamped a little before the wait begins (clocks of other machines, the submit itself). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How far back the task a repeat names is looked for: the scheduler's default de-duplication window. */
    private static final Duration DUPLICATE_LOOKBACK = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(TaskOutcomes.class);
    private final Map<String, Object> properties;
    private final Topic<String, TaskStatus> topic;
    private final ExecutorService waits = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sas-task-outcome");
        thread.setDaemon(true);
        return thread;
    });

    public TaskOutcomes(SasConfig config) {
        this.properties = new TreeMap<>(config.kafkaProperties());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "sas-task-outcomes");
        this.topic = config.topics().taskStatus();
    }

    /**
     * The first ending status of {@code taskId} written after {@code since} (less a little for clocks); fails with
     * {@link TimeoutException} if none comes within {@code timeout}.
     */
    public CompletableFuture<TaskStatus> of(String taskId, Instant since, Duration timeout) {
        long giveUpNanos = System.nanoTime() + timeout.toNanos();
        return CompletableFuture.supplyAsync(() -> follow(taskId, since.minus(CLOCK_SLACK), giveUpNanos), waits)
            .thenCompose(status -> status != null
                ? CompletableFuture.completedFuture(status)
                : CompletableFuture.failedFuture(new TimeoutException("Task " + taskId + " did not end within "
                    + timeout)));
    }

    /** The ending of {@code taskId}, or of the task that runs in its place if it was a repeat; null if none came. */
    private TaskStatus follow(String taskId, Instant from, long giveUpNanos) {
        TaskStatus status = await(taskId, from, giveUpNanos);
        if (status != null && status.getStatus() == TaskStatusType.DUPLICATE) {
            // the task that runs was submitted earlier, within the scheduler's de-duplication window
            return await(status.getDuplicateOf(), status.getTimestamp().minus(DUPLICATE_LOOKBACK), giveUpNanos);
        }
        return status;
    }

    private TaskStatus await(String taskId, Instant from, long giveUpNanos) {
        // values are decoded one by one, and only this task's: a record no one can read is the supervisor's to
        // dead-letter, and must not end every wait on its partition
        Deserializer<TaskStatus> values = topic.valueSerde().deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(topic.name()).size();
            TopicPartition partition = new TopicPartition(topic.name(),
                Utils.toPositive(Utils.murmur2(taskId.getBytes(StandardCharsets.UTF_8))) % partitions);
            consumer.assign(List.of(partition));
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from.toEpochMilli())).get(partition);
            if (start != null) {
                consumer.seek(partition, start.offset());
            } else {
                consumer.seekToEnd(List.of(partition));
            }
            while (System.nanoTime() < giveUpNanos) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    TaskStatus status = taskId.equals(record.key()) ? decoded(values, record) : null;
                    if (status != null && (ENDINGS.contains(status.getStatus())
                        || status.getStatus() == TaskStatusType.DUPLICATE)) {
                        return status;
                    }
                }
            }
            return null;
        }
    }

    private static TaskStatus decoded(Deserializer<TaskStatus> values, ConsumerRecord<String, byte[]> record) {
        try {
            return record.value() == null ? null : values.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.debug("Skipping an undecodable status at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        waits.shutdownNow();
    }
}
