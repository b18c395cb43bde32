package io.kafkasas.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleOverlap;
import io.kafkasas.avro.ScheduleRun;
import io.kafkasas.avro.ScheduleRunState;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.requests.RequestValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions of one schedule, alone: no Kafka, no clock but the one given. */
class ScheduleMachineTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LEAD = Duration.ofSeconds(3);

    static {
        Contracts.trust(); // a builder fills the enum defaults
    }

    private static Schedule.Builder schedule(String spec) {
        return Schedule.newBuilder().setScheduleId("s").setCron(spec).setUpdatedAt(NOW)
            .setRequest(TaskRequest.newBuilder().setType("noop").setSubmittedAt(NOW).build());
    }

    private static ScheduleState defined(Schedule schedule) {
        return ScheduleMachine.define(null, schedule, NOW, LEAD).state();
    }

    @Test
    void shouldWakeEarlyAndHandAnAllowedSlotOverWithItsDueTimeAsNotBefore() {
        ScheduleState state = defined(schedule("every 10s").setOverlap(ScheduleOverlap.ALLOW).build());
        assertThat(state.getNextSlot()).isEqualTo(Instant.parse("2026-12-01T10:00:10Z"));
        assertThat(state.getWakeAt()).isEqualTo(Instant.parse("2026-12-01T10:00:07Z"));

        ScheduleMachine.Step step = ScheduleMachine.due(state, state.getWakeAt(), LEAD);

        assertThat(step.fired()).singleElement().satisfies(run -> {
            assertThat(run.request().getNotBefore()).isEqualTo(Instant.parse("2026-12-01T10:00:10Z"));
            assertThat(run.lag()).isZero();
        });
        assertThat(step.state().getNextSlot()).isEqualTo(Instant.parse("2026-12-01T10:00:20Z"));
    }

    @Test
    void shouldDecideASkippingSlotAtItsTimeWhileARunIsActive() {
        ScheduleState state = defined(schedule("every 10s").setOverlap(ScheduleOverlap.SKIP).build());
        ScheduleState first = ScheduleMachine.due(state, state.getWakeAt(), LEAD).state();
        assertThat(first.getActiveRuns()).hasSize(1);
        assertThat(first.getWakeAt()).as("a run is active: no early decision").isEqualTo(first.getNextDueAt());

        ScheduleState ended = ScheduleMachine.status(first, first.getActiveRuns().get(0), TaskStatusType.SUCCEEDED,
            Instant.parse("2026-12-01T10:00:12Z"), LEAD).state();

        assertThat(ended.getWakeAt()).as("nothing runs: early again").isEqualTo(Instant.parse("2026-12-01T10:00:17Z"));
    }

    @Test
    void shouldCountALongOutageAsMissedWithoutWalkingEverySlot() {
        ScheduleState state = defined(schedule("every 1s").setOverlap(ScheduleOverlap.ALLOW).build());
        Instant later = NOW.plus(Duration.ofDays(3)); // 259,200 slots

        ScheduleMachine.Step step = ScheduleMachine.due(state, later, Duration.ZERO);

        assertThat(step.missed()).isGreaterThanOrEqualTo(ScheduleMachine.MAX_MISSED_COUNTED);
        assertThat(step.fired()).hasSize(61); // the catch-up window: the last minute, both ends
        assertThat(step.state().getRecentRuns()).hasSize(ScheduleMachine.RECENT_RUNS);
    }

    @Test
    void shouldGiveEachSlotAFixedJitterWithinItsBound() {
        Schedule jittered = schedule("every 10s").setJitterMs(2_000).build();
        Instant slot = Instant.parse("2026-12-01T10:00:10Z");

        Instant due = ScheduleMachine.dueAt(jittered, slot);

        assertThat(due).isBetween(slot, slot.plusMillis(2_000)).isEqualTo(ScheduleMachine.dueAt(jittered, slot));
        assertThat(List.of(0, 1, 2, 3, 4, 5).stream().map(i -> ScheduleMachine.dueAt(jittered, slot.plusSeconds(10L
            * i)).toEpochMilli() % 10_000).distinct().count()).as("spread, not one offset for all").isGreaterThan(1);
    }

    @Test
    void shouldLearnOfARunAnOperatorFiredFromItsFirstStatus() {
        ScheduleState state = defined(schedule("@daily").build());
        String manual = ScheduleRuns.manualTaskId("s", Instant.parse("2026-12-01T10:05:00Z"));

        ScheduleState started = ScheduleMachine.status(state, manual, TaskStatusType.STARTED, NOW, LEAD).state();
        ScheduleState ended = ScheduleMachine.status(started, manual, TaskStatusType.SUCCEEDED, NOW, LEAD).state();

        assertThat(started.getActiveRuns()).containsExactly(manual);
        assertThat(ended.getActiveRuns()).isEmpty();
        assertThat(ended.getRecentRuns()).singleElement().extracting(ScheduleRun::getState, ScheduleRun::getManual)
            .containsExactly(ScheduleRunState.SUCCEEDED, true);
    }

    @Test
    void shouldRefuseEveryBrokenRuleOfASchedule() {
        Schedule broken = schedule("every 0s").setScheduleId("a b").setTimeZone("Nowhere/Land").setJitterMs(-1)
            .setCatchUpWindowMs(5).setRunDeadlineMs(0L).setStartAt(NOW).setEndAt(NOW.minusSeconds(1)).build();

        assertThat(ScheduleRules.check(broken, new RequestValidator(RequestValidator.Limits.queuesOnly(
            Set.of("default"))), NOW)).extracting(v -> v.field()).containsExactlyInAnyOrder("scheduleId",
            "timeZone", "spec", "catchUpWindowMs", "jitterMs", "runDeadlineMs", "endAt");
    }
}
