package io.kafkasas.ops.chaos;

import io.kafkasas.app.Polls;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The status topic read from the start to its current end, counted for a set of tasks; {@code first} holds, per
 * task, when it was first STARTED, SUCCEEDED and DEAD_LETTERED (the statuses' timestamps, epoch ms; 0 if never).
 */
record StatusLog(long executions, long successes, long tasksRunMoreThanOnce, long tasksSucceededMoreThanOnce,
                 Map<String, long[]> first) {

    static final int STARTED = 0;
    static final int SUCCEEDED = 1;
    static final int DEAD_LETTERED = 2;

    static StatusLog read(Map<String, Object> kafka, Topic<String, TaskStatus> topic, Set<String> taskIds) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, int[]> counts = new HashMap<>(); // [STARTED, SUCCEEDED]
        Map<String, long[]> first = new HashMap<>();
        try (KafkaConsumer<String, TaskStatus> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
            topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, TaskStatus> record
                    : Polls.skippingUndecodable(consumer, Duration.ofMillis(500))) {
                    TaskStatus status = record.value();
                    if (status != null && taskIds.contains(status.getTaskId())) {
                        int[] c = counts.computeIfAbsent(status.getTaskId(), k -> new int[2]);
                        c[0] += status.getStatus() == TaskStatusType.STARTED ? 1 : 0;
                        c[1] += status.getStatus() == TaskStatusType.SUCCEEDED ? 1 : 0;
                        int kind = switch (status.getStatus()) {
                            case STARTED -> STARTED;
                            case SUCCEEDED -> SUCCEEDED;
                            case DEAD_LETTERED -> DEAD_LETTERED;
                            default -> -1;
                        };
                        long[] at = first.computeIfAbsent(status.getTaskId(), k -> new long[3]);
                        if (kind >= 0 && at[kind] == 0) {
                            at[kind] = status.getTimestamp().toEpochMilli();
                        }
                    }
                }
            }
        }
        return new StatusLog(counts.values().stream().mapToLong(c -> c[0]).sum(),
            counts.values().stream().mapToLong(c -> c[1]).sum(),
            counts.values().stream().filter(c -> c[0] > 1).count(),
            counts.values().stream().filter(c -> c[1] > 1).count(), first);
    }
}
