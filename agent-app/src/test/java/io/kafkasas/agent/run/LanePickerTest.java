package io.kafkasas.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.schemas.topics.Lane;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Higher lanes first; a share for the lower ones, the longest waiting first; partitions in order. */
class LanePickerTest {

    private static final Map<String, Lane> LANES = Map.of("t.high", Lane.HIGH, "t", Lane.NORMAL, "t.low", Lane.LOW);
    private final Map<TopicPartition, Deque<ConsumerRecord<String, String>>> waiting = new LinkedHashMap<>();

    /** Records waiting on a partition, named "topic/partition/offset", with these timestamps. */
    private void waits(String topic, int partition, long... timestamps) {
        Deque<ConsumerRecord<String, String>> records = waiting.computeIfAbsent(new TopicPartition(topic, partition),
            p -> new ArrayDeque<>());
        for (long timestamp : timestamps) {
            int offset = records.size();
            records.add(new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, 0, 0,
                null, topic + "/" + partition + "/" + offset, new RecordHeaders(), Optional.empty()));
        }
    }

    private static List<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void shouldStartTheHighestLaneFirstItsOldestPartitionFirst() {
        waits("t.low", 0, 1, 2);
        waits("t", 0, 3);
        waits("t.high", 0, 12, 14);
        waits("t.high", 1, 11);

        List<String> taken = ids(new LanePicker(LANES::get, 10).pick(waiting, 4));

        assertThat(taken).containsExactly("t.high/1/0", "t.high/0/0", "t.high/0/1", "t/0/0");
        assertThat(waiting.get(new TopicPartition("t.low", 0))).as("still waiting").hasSize(2);
    }

    @Test
    void shouldGiveTheLowerLanesOneStartInNTheLongestWaitingFirst() {
        waits("t.high", 0, 50, 51, 52, 53, 54, 55, 56, 57);
        waits("t", 0, 20, 21);
        waits("t.low", 0, 5, 6);

        List<String> taken = ids(new LanePicker(LANES::get, 3).pick(waiting, 9));

        // every third start goes lower: first to the low lane (its task is older), then to the normal lane
        assertThat(taken).containsExactly("t.high/0/0", "t.high/0/1", "t.low/0/0", "t.high/0/2", "t.high/0/3",
            "t.low/0/1", "t.high/0/4", "t.high/0/5", "t/0/0");
    }

    @Test
    void shouldKeepTheShareAcrossCallsAndOweNothingWithoutContention() {
        LanePicker picker = new LanePicker(LANES::get, 2);
        waits("t.high", 0, 1, 2, 3);
        assertThat(picker.pick(waiting, 3)).as("nothing lower waits: no share owed").hasSize(3);
        waits("t.high", 1, 10, 11);
        waits("t.low", 0, 4);

        assertThat(ids(picker.pick(waiting, 1))).containsExactly("t.high/1/0");
        assertThat(ids(picker.pick(waiting, 1))).as("the second start in a row goes lower")
            .containsExactly("t.low/0/0");
        assertThat(ids(picker.pick(waiting, 5))).as("only what waits").containsExactly("t.high/1/1");
    }
}
