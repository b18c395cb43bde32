package io.kafkasas.dashboard.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.TaskStatusType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatesTest {

    @Test
    void shouldCountEachRecordInTheSecondOfItsTimestamp() {
        Rates rates = new Rates(10);
        rates.submitted(100_000);
        rates.submitted(100_999);
        rates.status(TaskStatusType.STARTED, 100_500);
        rates.status(TaskStatusType.SUCCEEDED, 101_000);
        rates.status(TaskStatusType.TIMED_OUT, 101_001);
        rates.status(TaskStatusType.FAILED, 101_002);
        rates.status(TaskStatusType.DEAD_LETTERED, 101_003);
        rates.status(TaskStatusType.PROGRESS, 101_004); // not a series

        List<Map<String, Long>> points = rates.between(100, 102);

        assertThat(points).containsExactly(
            Map.of("t", 100L, "submitted", 2L, "started", 1L, "succeeded", 0L, "failed", 0L, "deadLettered", 0L),
            Map.of("t", 101L, "submitted", 0L, "started", 0L, "succeeded", 1L, "failed", 2L, "deadLettered", 1L));
    }

    @Test
    void shouldForgetSecondsOlderThanTheWindowAndShowQuietSecondsAsZero() {
        Rates rates = new Rates(10);
        rates.submitted(100_000);
        rates.submitted(110_000); // the same bucket, ten seconds later: the old count goes
        rates.submitted(100_500); // older than what the bucket now holds: dropped

        assertThat(rates.between(100, 111)).hasSize(10).first().satisfies(p -> assertThat(p.get("t")).isEqualTo(101L));
        assertThat(rates.between(110, 111).get(0).get("submitted")).isEqualTo(1L);
        assertThat(rates.between(105, 106).get(0).get("submitted")).isZero();
    }
}
