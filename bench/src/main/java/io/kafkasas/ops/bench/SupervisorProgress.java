package io.kafkasas.ops.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When the supervisor's view has caught up: its consumer group (the Streams application id) has read, on every
 * partition of the status topic, every committed record before the end the topic had when asked. Its task states
 * are committed in the same transactions, so from then on it answers SUCCEEDED for every task whose status was
 * there.
 *
 * <p>The group's committed offset alone does not tell: Streams commits the offset after the last record it
 * processed, so a partition whose tail is an aborted transaction (a supervisor or agent stopped mid-transaction)
 * stays "behind" by those records and their marker for good. Such a tail is checked with a read_committed read.
 */
public final class SupervisorProgress {

    private SupervisorProgress() {
    }

    /** Waits until the supervisor has read the status topic up to its current end; returns when that was. */
    public static long awaitCaughtUp(Admin admin, Map<String, Object> kafka, String applicationId,
                                     String statusTopic, Duration timeout)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> partitions = admin.describeTopics(List.of(statusTopic))
            .allTopicNames().get().get(statusTopic).partitions().stream()
            .map(p -> new TopicPartition(statusTopic, p.partition()))
            .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions).all().get().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> lastBehind = Map.of();
        long stillSince = System.nanoTime();
        try (TailReader tails = new TailReader(kafka)) {
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, Long> behind = new HashMap<>();
                ends.forEach((partition, end) -> {
                    long read = committed.get(partition) == null ? 0 : committed.get(partition).offset();
                    if (read < end) {
                        behind.put(partition, read);
                    }
                });
                if (!behind.equals(lastBehind)) {
                    lastBehind = behind;
                    stillSince = System.nanoTime();
                }
                // the tails are read only once the group has stood still on them for a second: while the
                // supervisor still makes progress, reading behind it would only load the broker being measured
                boolean still = System.nanoTime() - stillSince > TimeUnit.SECONDS.toNanos(1);
                if (behind.isEmpty() || still && tails.nothingCommittedBetween(behind, ends)) {
                    return System.currentTimeMillis();
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IllegalStateException("The supervisor (" + applicationId + ") did not read the status topic up to"
            + " its end within " + timeout + "; see its log");
    }

    /** Reads what lies between a group's committed offsets and the ends, as the supervisor reads it. */
    private static final class TailReader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;

        TailReader(Map<String, Object> kafka) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        /** True if {@code from} (inclusive) to the end holds only aborted records and markers on every partition. */
        boolean nothingCommittedBetween(Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < giveUp) {
                boolean committedRecord = false;
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    committedRecord |= record.offset() < ends.get(partition);
                }
                if (committedRecord) {
                    return false;
                }
                if (from.keySet().stream().allMatch(p -> consumer.position(p) >= ends.get(p))) {
                    return true;
                }
            }
            return false; // open transactions: not decided yet, asked again
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
