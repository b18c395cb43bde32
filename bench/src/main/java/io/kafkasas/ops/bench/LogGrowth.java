package io.kafkasas.ops.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker's logs hold, to count what one task costs: the end offsets (records and transaction markers) by
 * topic, and the sum of the log sizes (of one replica), over the stack's topics: those named with its prefix, its
 * apps' internal topics included. Kafka's own ({@code __consumer_offsets}, {@code __transaction_state}) are not.
 */
record LogGrowth(Map<String, Long> offsetsByTopic, long bytes) {

    static LogGrowth of(Admin admin, String prefix) throws ExecutionException, InterruptedException {
        Set<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix))
            .collect(Collectors.toSet());
        Map<TopicPartition, OffsetSpec> ends = admin.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
            .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        Map<String, Long> offsets = new TreeMap<>();
        admin.listOffsets(ends).all().get().forEach((partition, end) ->
            offsets.merge(partition.topic(), end.offset(), Long::sum));
        Map<TopicPartition, Long> sizes = new HashMap<>(); // the largest replica: a log counted once, not per replica
        Set<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id())
            .collect(Collectors.toSet());
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (topics.contains(replica.getKey().topic())) {
                        sizes.merge(replica.getKey(), replica.getValue().size(), Math::max);
                    }
                }
            }
        }
        return new LogGrowth(offsets, sizes.values().stream().mapToLong(Long::longValue).sum());
    }

    long offsets() {
        return offsetsByTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    LogGrowth minus(LogGrowth before) {
        Map<String, Long> grown = new TreeMap<>(offsetsByTopic);
        before.offsetsByTopic.forEach((topic, offset) -> grown.merge(topic, -offset, Long::sum));
        grown.values().removeIf(n -> n == 0);
        return new LogGrowth(grown, bytes - before.bytes);
    }

    /** Records per task by topic, the stack's prefix left off the names. */
    Map<String, Double> perTask(long tasks, String prefix) {
        Map<String, Double> perTask = new TreeMap<>();
        offsetsByTopic.forEach((topic, n) -> perTask.put(topic.substring(prefix.length()), (double) n / tasks));
        return perTask;
    }
}
