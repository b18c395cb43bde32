package io.kafkasas.ops.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * When the supervisor's view has caught up: its consumer group (the Streams application id) has committed, on
 * every partition of the status topic, an offset at or past the end the topic had when asked. Its task states are
 * committed in the same transactions, so from then on it answers SUCCEEDED for every task whose status was there.
 */
public final class SupervisorProgress {

    private SupervisorProgress() {
    }

    /** Waits until the supervisor has read the status topic up to its current end; returns when that was. */
    public static long awaitCaughtUp(Admin admin, String applicationId, String statusTopic, Duration timeout)
        throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> partitions = admin.describeTopics(List.of(statusTopic))
            .allTopicNames().get().get(statusTopic).partitions().stream()
            .map(p -> new TopicPartition(statusTopic, p.partition()))
            .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = admin.listOffsets(partitions).all().get().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
            boolean caughtUp = ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            if (caughtUp) {
                return System.currentTimeMillis();
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("The supervisor (" + applicationId + ") did not read the status topic up to"
            + " its end within " + timeout + "; see its log");
    }
}
