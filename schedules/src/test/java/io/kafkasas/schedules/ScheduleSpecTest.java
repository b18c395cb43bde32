package io.kafkasas.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {

    @Test
    void shouldReadCronOfFiveAndSixFieldsMacrosAndIntervals() {
        Instant at = Instant.parse("2026-12-05T10:07:31Z");
        assertThat(ScheduleSpec.parse("*/5 * * * *", "UTC").next(at)).isEqualTo("2026-12-05T10:10:00Z");
        assertThat(ScheduleSpec.parse("*/10 * * * * *", "UTC").next(at)).isEqualTo("2026-12-05T10:07:40Z");
        assertThat(ScheduleSpec.parse("@hourly", "UTC").next(at)).isEqualTo("2026-12-05T11:00:00Z");
        assertThat(ScheduleSpec.parse("@daily", "Europe/Berlin").next(at)).isEqualTo("2026-12-05T23:00:00Z");
        assertThat(ScheduleSpec.parse("every 30s", "UTC").next(at)).isEqualTo("2026-12-05T10:08:00Z");
        assertThat(ScheduleSpec.parse("every 2h", "UTC").next(Instant.parse("2026-12-05T10:00:00Z")))
            .as("strictly after").isEqualTo("2026-12-05T12:00:00Z");
    }

    /** Clocks jump forward: a local time that does not exist fires once, when the clock lands. */
    @Test
    void aSkippedLocalTimeShouldFireOnceAtTheFirstValidTime() {
        // Europe/Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z)
        assertThat(slots("30 2 * * *", "2026-03-28T12:00:00Z", 2)).containsExactly(
            Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
        // 02:00, 02:15, 02:30, 02:45 and 03:00 are one instant: it fires once
        assertThat(slots("*/15 * * * *", "2026-03-29T00:30:00Z", 4)).containsExactly(
            Instant.parse("2026-03-29T00:45:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
            Instant.parse("2026-03-29T01:15:00Z"), Instant.parse("2026-03-29T01:30:00Z"));
    }

    /** Clocks go back: the slots of the repeated hour fire once, at their first occurrence. */
    @Test
    void aRepeatedLocalTimeShouldFireOnce() {
        // Europe/Berlin, 2026-10-25: 03:00 CEST (01:00Z) becomes 02:00 CET; 02:00-03:00 comes twice
        assertThat(slots("30 2 * * *", "2026-10-24T12:00:00Z", 2)).containsExactly(
            Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
        assertThat(slots("*/30 * * * *", "2026-10-24T23:45:00Z", 3)).containsExactly(
            Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"),
            Instant.parse("2026-10-25T02:00:00Z"));
    }

    @Test
    void shouldRefuseBadSpecsWithTheReason() {
        assertThatThrownBy(() -> ScheduleSpec.parse("* * * *", "UTC")).hasMessageContaining("neither");
        assertThatThrownBy(() -> ScheduleSpec.parse("61 * * * *", "UTC")).hasMessageContaining("not a valid cron");
        assertThatThrownBy(() -> ScheduleSpec.parse("every 0s", "UTC")).hasMessageContaining("longer than nothing");
        assertThatThrownBy(() -> ScheduleSpec.parse("@hourly", "Mars/Olympus")).hasMessageContaining("time zone");
    }

    private static List<Instant> slots(String spec, String from, int count) {
        ScheduleSpec schedule = ScheduleSpec.parse(spec, "Europe/Berlin");
        List<Instant> slots = new ArrayList<>();
        Instant at = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            at = schedule.next(at);
            slots.add(at);
        }
        return slots;
    }
}
