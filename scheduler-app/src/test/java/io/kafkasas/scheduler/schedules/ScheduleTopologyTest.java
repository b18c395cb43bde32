package io.kafkasas.scheduler.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleCatchUp;
import io.kafkasas.avro.ScheduleOverlap;
import io.kafkasas.avro.ScheduleRun;
import io.kafkasas.avro.ScheduleRunState;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.SchedulerDriver;
import io.kafkasas.schedules.ScheduleMachine;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedules in the scheduler's topology: slots become tasks, once each, under every policy. */
class ScheduleTopologyTest {

    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

    private ManualClock clock;
    private SchedulerDriver driver;
    private TestInputTopic<String, Schedule> schedules;
    private TestInputTopic<byte[], byte[]> rawSchedules;
    private TestInputTopic<String, TaskStatus> statusIn;
    private TestInputTopic<String, TaskRequest> requestsIn;
    private TestOutputTopic<String, TaskEvent> tasks;
    private TestOutputTopic<String, TaskStatus> statusOut;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    @TempDir
    Path stateDir;

    private void start(Instant at) {
        clock = new ManualClock(at);
        driver = new SchedulerDriver(stateDir, clock, Map.of());
        Topics topics = driver.topics();
        schedules = driver.input(topics.schedules());
        rawSchedules = driver.raw(topics.schedules());
        statusIn = driver.input(topics.taskStatus());
        requestsIn = driver.input(topics.taskRequests());
        tasks = driver.output(topics.tasks("default"));
        statusOut = driver.output(topics.taskStatus());
        deadLetters = driver.output(topics.deadLetters());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    static Schedule.Builder schedule(String id, String spec) {
        return Schedule.newBuilder().setScheduleId(id).setCron(spec).setUpdatedAt(START)
            .setRequest(TaskRequest.newBuilder().setType("noop").setSubmittedAt(START).build());
    }

    private void advance(Duration by) {
        driver.advance(by);
    }

    /** Advances in steps of {@code step}, as the punctuator does, for {@code total}. */
    private void tick(Duration total, Duration step) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            advance(step);
        }
    }

    private List<String> firedTasks() {
        return tasks.readValuesToList().stream().map(TaskEvent::getTaskId).toList();
    }

    private static String run(String schedule, String slot) {
        return ScheduleRuns.taskId(schedule, Instant.parse(slot));
    }

    private void report(String taskId, TaskStatusType type) {
        statusIn.pipeInput(taskId, TaskStatus.newBuilder().setTaskId(taskId).setAttempt(1).setStatus(type)
            .setTimestamp(clock.instant()).build());
    }

    private ScheduleState state(String id) {
        KeyValueStore<String, ScheduleState> store = driver.store(ScheduleTopology.STORE);
        return store.get(id);
    }

    @Test
    void shouldFireEachSlotOnceAsATaskNamedAfterScheduleAndSlot() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.ALLOW).build());

        tick(Duration.ofMillis(9_900), Duration.ofMillis(100));
        assertThat(tasks.isEmpty()).as("handed over early, held until its slot").isTrue();
        tick(Duration.ofMillis(20_100), Duration.ofMillis(100));

        List<TaskEvent> fired = tasks.readValuesToList();
        assertThat(fired).extracting(TaskEvent::getTaskId).containsExactly(run("s", "2026-11-27T12:00:10Z"),
            run("s", "2026-11-27T12:00:20Z"), run("s", "2026-11-27T12:00:30Z"));
        assertThat(fired.get(0).getIdempotencyKey()).isEqualTo(fired.get(0).getTaskId());
        assertThat(fired.get(0).getHeaders()).containsEntry(Wire.SCHEDULE_HEADER, "s")
            .containsEntry(Wire.SCHEDULE_SLOT_HEADER, "2026-11-27T12:00:10Z");
        assertThat(fired.get(0).getEmittedAt()).isEqualTo(Instant.parse("2026-11-27T12:00:10Z"));
        assertThat(state("s").getFired()).isEqualTo(3);
    }

    @Test
    void shouldSkipASlotWhileTheRunBeforeGoesOnAndFireAgainOnceItEnded() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.SKIP).build());
        tick(Duration.ofSeconds(10), Duration.ofMillis(500));
        String first = run("s", "2026-11-27T12:00:10Z");
        report(first, TaskStatusType.STARTED);

        tick(Duration.ofSeconds(10), Duration.ofMillis(500));
        report(first, TaskStatusType.SUCCEEDED);
        tick(Duration.ofSeconds(10), Duration.ofMillis(500));

        assertThat(firedTasks()).containsExactly(first, run("s", "2026-11-27T12:00:30Z"));
        ScheduleState state = state("s");
        assertThat(state.getSkipped()).isEqualTo(1);
        assertThat(state.getRecentRuns()).extracting(ScheduleRun::getState).containsExactly(ScheduleRunState.FIRED,
            ScheduleRunState.SKIPPED, ScheduleRunState.SUCCEEDED);
    }

    @Test
    void shouldHoldOnlyTheLatestSlotAndFireItWhenTheRunningOneEnds() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.BUFFER_ONE).build());
        tick(Duration.ofSeconds(30), Duration.ofMillis(500));
        assertThat(state("s").getBufferedSlot()).isEqualTo(Instant.parse("2026-11-27T12:00:30Z"));

        advance(Duration.ofSeconds(2));
        report(run("s", "2026-11-27T12:00:10Z"), TaskStatusType.DEAD_LETTERED);

        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:00:10Z"), run("s", "2026-11-27T12:00:30Z"));
        assertThat(state("s").getRecentRuns()).extracting(ScheduleRun::getState).containsExactly(
            ScheduleRunState.FIRED, ScheduleRunState.SKIPPED, ScheduleRunState.DEAD_LETTERED);
    }

    @Test
    void shouldCancelTheRunningOneAndFireWhenReplacing() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.REPLACE).build());
        tick(Duration.ofSeconds(20), Duration.ofMillis(500));

        String first = run("s", "2026-11-27T12:00:10Z");
        assertThat(firedTasks()).containsExactly(first, run("s", "2026-11-27T12:00:20Z"));
        TaskStatus cancel = statusOut.readValuesToList().stream()
            .filter(s -> s.getStatus() == TaskStatusType.CANCEL_REQUESTED).findFirst().orElseThrow();
        assertThat(cancel.getTaskId()).isEqualTo(first);
        assertThat(cancel.getMessage()).contains("REPLACE");
    }

    @Test
    void shouldLetRunsOverlapWhenAllowed() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.ALLOW).build());
        tick(Duration.ofSeconds(30), Duration.ofSeconds(1));

        assertThat(firedTasks()).hasSize(3);
        assertThat(state("s").getActiveRuns()).hasSize(3);
    }

    @Test
    void shouldFireSlotsMissedWithinTheCatchUpWindowOldestFirstAndCountOlderOnesAsMissed() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setOverlap(ScheduleOverlap.ALLOW)
            .setCatchUpWindowMs(35_000).build());

        advance(Duration.ofSeconds(100)); // the scheduler could not fire for 100 s: one punctuation at the end

        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:01:10Z"), run("s", "2026-11-27T12:01:20Z"),
            run("s", "2026-11-27T12:01:30Z"), run("s", "2026-11-27T12:01:40Z"));
        ScheduleState state = state("s");
        assertThat(state.getMissed()).isEqualTo(6);
        assertThat(state.getLastMissedSlot()).isEqualTo(Instant.parse("2026-11-27T12:01:00Z"));
        assertThat(state.getNextSlot()).isEqualTo(Instant.parse("2026-11-27T12:01:50Z"));
    }

    @Test
    void shouldFireOnlyTheLatestMissedSlotWhenCatchUpIsLatest() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").setCatchUpWindowMs(60_000)
            .setCatchUp(ScheduleCatchUp.LATEST).build());

        advance(Duration.ofSeconds(45));

        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:00:40Z"));
        assertThat(state("s").getMissed()).isEqualTo(3);
    }

    @Test
    void shouldFireNothingWhilePausedAndGoOnFromTheNextSlotAfterResuming() {
        start(START);
        Schedule running = schedule("s", "every 10s").build();
        schedules.pipeInput("s", running);
        tick(Duration.ofSeconds(10), Duration.ofSeconds(1));
        report(run("s", "2026-11-27T12:00:10Z"), TaskStatusType.SUCCEEDED);
        schedules.pipeInput("s", Schedule.newBuilder(running).setPaused(true).setPauseNote("maintenance").build());

        tick(Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertThat(state("s").getNextSlot()).isNull();
        schedules.pipeInput("s", running);
        tick(Duration.ofSeconds(10), Duration.ofSeconds(1));

        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:00:10Z"), run("s", "2026-11-27T12:01:20Z"));
        assertThat(state("s").getMissed()).isZero();
    }

    @Test
    void shouldFireASkippedLocalTimeOnceWhenTheClockSpringsForward() {
        start(Instant.parse("2026-03-28T23:00:00Z")); // 00:00 in Berlin; at 02:00 local the clock jumps to 03:00
        schedules.pipeInput("s", schedule("s", "30 2 * * *").setTimeZone("Europe/Berlin").build());

        tick(Duration.ofHours(3), Duration.ofMinutes(1));

        assertThat(firedTasks()).containsExactly(run("s", "2026-03-29T01:00:00Z")); // 03:00 CEST, once
    }

    @Test
    void shouldFireARepeatedLocalTimeOnceWhenTheClockFallsBack() {
        start(Instant.parse("2026-10-24T22:00:00Z")); // 00:00 in Berlin; 02:00-03:00 local happens twice
        schedules.pipeInput("s", schedule("s", "30 2 * * *").setTimeZone("Europe/Berlin").build());

        tick(Duration.ofHours(4), Duration.ofMinutes(1));

        assertThat(firedTasks()).containsExactly(run("s", "2026-10-25T00:30:00Z")); // the first 02:30, once
    }

    @Test
    void shouldBackfillPastSlotsOnceEachAndNotRepeatOneThatRan() {
        start(START);
        Schedule every = schedule("s", "every 10s").build();
        schedules.pipeInput("s", every);
        tick(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:00:10Z"));

        List<TaskRequest> backfill = ScheduleMachine.backfill(every, Instant.parse("2026-11-27T11:59:40Z"),
            Instant.parse("2026-11-27T12:00:10Z"), clock.instant(), 100);
        backfill.forEach(r -> requestsIn.pipeInput(r.getIdempotencyKey(), r));
        backfill.forEach(r -> requestsIn.pipeInput(r.getIdempotencyKey(), r)); // the operator asked twice

        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T11:59:40Z"), run("s", "2026-11-27T11:59:50Z"),
            run("s", "2026-11-27T12:00:00Z"));
    }

    @Test
    void shouldDeadLetterBadSchedulesWithTheReasonAndKeepTheOneInForce() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").build());
        schedules.pipeInput("s", schedule("s", "61 * * * *").build());
        schedules.pipeInput("s", schedule("s", "every 10s").setTimeZone("Mars/Olympus").build());
        schedules.pipeInput("s", schedule("other", "every 10s").build());
        schedules.pipeInput("s", schedule("s", "every 10s").setRequest(TaskRequest.newBuilder().setType("no such!")
            .setSubmittedAt(START).build()).build());
        rawSchedules.pipeInput("s".getBytes(), new byte[] {1, 2, 3});
        rawSchedules.pipeInput(null, new byte[] {1, 2, 3});

        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.INVALID_REQUEST,
            DeadLetterReason.INVALID_REQUEST, DeadLetterReason.INVALID_REQUEST, DeadLetterReason.INVALID_REQUEST,
            DeadLetterReason.UNDECODABLE, DeadLetterReason.UNDECODABLE);
        assertThat(letters.get(0).getMessage()).contains("spec", "61");
        assertThat(letters.get(1).getMessage()).contains("timeZone", "Mars/Olympus");
        assertThat(letters.get(2).getMessage()).contains("must equal the record key 's'");
        assertThat(letters.get(3).getMessage()).contains("request.type");
        tick(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(firedTasks()).containsExactly(run("s", "2026-11-27T12:00:10Z"));
    }

    @Test
    void shouldStopFiringWhenDeleted() {
        start(START);
        schedules.pipeInput("s", schedule("s", "every 10s").build());
        tick(Duration.ofSeconds(10), Duration.ofSeconds(1));
        schedules.pipeInput("s", (Schedule) null);

        tick(Duration.ofSeconds(30), Duration.ofSeconds(1));

        assertThat(firedTasks()).hasSize(1);
        assertThat(state("s")).isNull();
    }

    @Test
    void shouldNameEveryNodeAndStoreExplicitly() {
        start(START);
        String description = driver.topology().describe().toString();

        assertThat(description).contains("Source: " + ScheduleTopology.STATUS_SOURCE,
            "Processor: " + ScheduleTopology.RUN_FEED, "Source: " + ScheduleTopology.RUNS_SOURCE,
            "Source: " + ScheduleTopology.SOURCE, "Processor: " + ScheduleTopology.PROCESSOR,
            "stores: [" + ScheduleTopology.STORE + ", " + ScheduleTopology.TIMERS_STORE + "]",
            "Sink: " + ScheduleTopology.REQUESTS_SINK, "Sink: " + ScheduleTopology.CANCELS_SINK,
            "Sink: " + ScheduleTopology.DEAD_LETTER_SINK);
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }
}
