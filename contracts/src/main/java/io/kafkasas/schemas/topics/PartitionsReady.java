package io.kafkasas.schemas.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until the leader of every partition of new topics serves requests, not only until the metadata names
 * a leader. Producing into a partition in between loses records on Kafka 4.4: an idempotent producer's first
 * batch fails with NOT_LEADER_OR_FOLLOWER, its second is accepted a moment later, and the first then fails
 * with OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} expires it (KAFKA-15591, fixed in 4.5).
 * A ListOffsets answered by every partition proves the leaders are in place: it takes the produce path's
 * leader check.
 */
public final class PartitionsReady {

    private PartitionsReady() {
    }

    /** Returns once every partition of {@code topics} answers as leader; throws after {@code timeout}. */
    public static void await(Admin admin, Collection<String> topics, Duration timeout)
        throws ExecutionException, InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long giveUp = System.nanoTime() + timeout.toNanos();
        ListOffsetsOptions options = new ListOffsetsOptions().timeoutMs((int) Math.min(timeout.toMillis(), 5000));
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = partitions(admin, topics).stream()
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
                admin.listOffsets(latest, options).all().get();
                return;
            } catch (ExecutionException e) {
                boolean retriable = e.getCause() instanceof RetriableException;
                if (!retriable || System.nanoTime() > giveUp) {
                    throw new IllegalStateException("Partitions of " + topics + " did not get a serving leader within "
                        + timeout + "; check the brokers' logs", e.getCause());
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static Collection<TopicPartition> partitions(Admin admin, Collection<String> topics)
        throws ExecutionException, InterruptedException {
        return admin.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
            .toList();
    }
}
