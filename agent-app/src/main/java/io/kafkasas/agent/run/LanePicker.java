package io.kafkasas.agent.run;

import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.LaneTurns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Which of the records an agent has read and not yet started it starts next: the lanes take turns as
 * {@link LaneTurns} says (the highest first; one start in {@code lowerEvery} to the lower lane whose first record,
 * by its timestamp, is the oldest). Within a lane the partition whose first record is the oldest goes first; within
 * a partition, records are taken in order.
 */
public final class LanePicker {

    private final Function<String, Lane> laneOfTopic;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final int lowerEvery;
    /** Starts given to the top lane in a row while a lower one waited. */
    private int sinceLower;

    /** {@code laneOfTopic}: the lane of a task topic; {@code lowerEvery}: at least 2. */
    public LanePicker(Function<String, Lane> laneOfTopic, int lowerEvery) {
        this.laneOfTopic = laneOfTopic;
        this.lowerEvery = lowerEvery;
    }

    /** Takes at most {@code free} records off the heads of {@code waiting}, in the order they are to start. */
    <K, V> List<ConsumerRecord<K, V>> pick(Map<TopicPartition, Deque<ConsumerRecord<K, V>>> waiting, int free) {
        List<ConsumerRecord<K, V>> taken = new ArrayList<>();
        while (taken.size() < free) {
            Map<Lane, List<Deque<ConsumerRecord<K, V>>>> byLane = new EnumMap<>(Lane.class);
            waiting.forEach((partition, records) -> {
                if (!records.isEmpty()) {
                    byLane.computeIfAbsent(lanes.computeIfAbsent(partition.topic(), laneOfTopic),
                        lane -> new ArrayList<>()).add(records);
                }
            });
            if (byLane.isEmpty()) {
                break;
            }
            Map<Lane, Long> oldest = new EnumMap<>(Lane.class);
            byLane.forEach((lane, partitions) -> oldest.put(lane, oldest(partitions)));
            LaneTurns.Turn turn = LaneTurns.next(oldest, sinceLower, lowerEvery);
            sinceLower = turn.sinceLower();
            Lane chosen = turn.lane();
            taken.add(byLane.get(chosen).stream().min(Comparator.comparingLong(r -> r.peek().timestamp()))
                .orElseThrow().poll());
        }
        return taken;
    }

    private static <K, V> long oldest(List<Deque<ConsumerRecord<K, V>>> partitions) {
        return partitions.stream().mapToLong(p -> p.peek().timestamp()).min().orElse(Long.MAX_VALUE);
    }
}
