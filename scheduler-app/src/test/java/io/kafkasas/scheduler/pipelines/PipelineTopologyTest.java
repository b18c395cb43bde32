package io.kafkasas.scheduler.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.PipelineState;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.SchedulerDriver;
import io.kafkasas.schemas.PipelineRuns;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines in the scheduler's topology: steps become tasks as their dependencies succeed, or are undone. */
class PipelineTopologyTest {

    private static final Instant START = Instant.parse("2026-12-06T01:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private SchedulerDriver driver;
    private TestInputTopic<String, Pipeline> pipelines;
    private TestInputTopic<byte[], byte[]> rawPipelines;
    private TestInputTopic<String, TaskStatus> statusIn;
    private TestOutputTopic<String, TaskEvent> tasks;
    private TestOutputTopic<String, TaskStatus> statusOut;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new SchedulerDriver(stateDir, clock, Map.of());
        Topics topics = driver.topics();
        pipelines = driver.input(topics.pipelines());
        rawPipelines = driver.raw(topics.pipelines());
        statusIn = driver.input(topics.taskStatus());
        tasks = driver.output(topics.tasks("default"));
        statusOut = driver.output(topics.taskStatus());
        deadLetters = driver.output(topics.deadLetters());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static TaskRequest task(String payload) {
        return TaskRequest.newBuilder().setType("shell").setSubmittedAt(START)
            .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).build();
    }

    private static PipelineStep step(String name, String payload, String... dependsOn) {
        return PipelineStep.newBuilder().setName(name).setTask(task(payload)).setDependsOn(List.of(dependsOn))
            .build();
    }

    /** build -> test || lint -> deploy (undone by undeploy). */
    private static Pipeline release() {
        PipelineStep deploy = step("deploy", "{\"artifact\": ${steps.build.result}}", "test", "lint");
        deploy.setCompensation(task("{\"undeploy\": ${steps.deploy.result}}"));
        return Pipeline.newBuilder().setPipelineId("p1").setName("release").setSubmittedAt(START)
            .setSteps(List.of(step("build", "{}"), step("test", "{}", "build"), step("lint", "{}", "build"), deploy))
            .build();
    }

    private void report(String taskId, TaskStatusType type, String result) {
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setAttempt(1).setStatus(type)
            .setTimestamp(clock.instant());
        if (result != null) {
            status.setResult(ByteBuffer.wrap(result.getBytes(StandardCharsets.UTF_8)));
        }
        statusIn.pipeInput(taskId, status.build());
    }

    private void succeed(String step, String result) {
        report(PipelineRuns.stepTaskId("p1", step), TaskStatusType.STARTED, null);
        report(PipelineRuns.stepTaskId("p1", step), TaskStatusType.SUCCEEDED, result);
    }

    private List<String> emitted() {
        return tasks.readValuesToList().stream().map(TaskEvent::getTaskId).toList();
    }

    private PipelineRun run() {
        KeyValueStore<String, PipelineRun> store = driver.store(PipelineTopology.STORE);
        return store.get("p1");
    }

    private static String id(String step) {
        return PipelineRuns.stepTaskId("p1", step);
    }

    @Test
    void shouldRunEachStepOnceItsDependenciesSucceededWithTheirResults() {
        pipelines.pipeInput("p1", release());
        assertThat(emitted()).containsExactly(id("build"));
        assertThat(inState(PipelineState.RUNNING)).isEqualTo(1.0);

        succeed("build", "\"b-7\"");
        assertThat(emitted()).containsExactly(id("test"), id("lint"));
        succeed("test", null);
        assertThat(emitted()).isEmpty();
        pipelines.pipeInput("p1", release()); // submitted again: a repeat
        succeed("lint", null);
        List<TaskEvent> deploy = tasks.readValuesToList();
        succeed("deploy", "\"v7\"");

        assertThat(deploy).singleElement().satisfies(event -> assertThat(StandardCharsets.UTF_8.decode(
            event.getPayload()).toString()).isEqualTo("{\"artifact\": \"b-7\"}"));
        assertThat(run().getState()).isEqualTo(PipelineState.SUCCEEDED);
        assertThat(driver.meters().get("sas.scheduler.pipelines.ended").tag("state", "SUCCEEDED").counter().count())
            .isEqualTo(1.0);
        assertThat(driver.meters().get("sas.scheduler.pipelines.step.delay").timer().count())
            .as("test, lint and deploy followed their dependencies").isEqualTo(3);
        assertThat(inState(PipelineState.RUNNING)).isZero();
        assertThat(inState(PipelineState.SUCCEEDED)).isEqualTo(1.0);
        driver.advance(Duration.ofDays(7).minusSeconds(1));
        assertThat(run()).as("kept for 7 days after its end").isNotNull();
        driver.advance(Duration.ofSeconds(2));
        assertThat(run()).as("then forgotten").isNull();
        assertThat(inState(PipelineState.SUCCEEDED)).isZero();
    }

    private double inState(PipelineState state) {
        return driver.meters().get("sas.scheduler.pipelines").tag("state", state.name()).gauge().value();
    }

    @Test
    void shouldUndoNothingWhenNothingSucceededAndIgnoreACancelOfAPipelineThatEnded() {
        pipelines.pipeInput("p1", release());
        succeed("build", "\"b-7\"");
        succeed("test", null);
        succeed("lint", null);
        succeed("deploy", "\"v7\"");
        Pipeline failing = Pipeline.newBuilder(release()).setPipelineId("p2").build();
        pipelines.pipeInput("p2", failing);
        report(PipelineRuns.stepTaskId("p2", "build"), TaskStatusType.DEAD_LETTERED, null);
        assertThat(driver.<PipelineRun>store(PipelineTopology.STORE).get("p2").getState())
            .as("nothing succeeded, nothing to undo").isEqualTo(PipelineState.COMPENSATED);
        tasks.readValuesToList();

        Pipeline cancel = Pipeline.newBuilder(release()).setCancelRequested("by ops: wrong version").build();
        pipelines.pipeInput("p1", cancel);
        assertThat(run().getState()).as("already over: a cancel changes nothing").isEqualTo(PipelineState.SUCCEEDED);
    }

    @Test
    void shouldCancelRunningStepsThenUndoWhenCancelledAndFailAtTheDeadline() {
        pipelines.pipeInput("p1", release());
        succeed("build", "\"b-7\"");
        tasks.readValuesToList();

        pipelines.pipeInput("p1", Pipeline.newBuilder(release()).setCancelRequested("by ops").build());

        assertThat(statusOut.readValuesToList().stream().filter(s -> s.getStatus() == TaskStatusType.CANCEL_REQUESTED)
            .map(TaskStatus::getTaskId)).containsExactly(id("test"), id("lint"));
        report(id("test"), TaskStatusType.CANCELLED, null);
        report(id("lint"), TaskStatusType.CANCELLED, null);
        assertThat(run().getState()).isEqualTo(PipelineState.COMPENSATED);
        assertThat(run().getFailure()).isEqualTo("cancelled: by ops");

        pipelines.pipeInput("late", Pipeline.newBuilder(release()).setPipelineId("late")
            .setDeadline(START.plusSeconds(30)).build());
        driver.advance(Duration.ofSeconds(31));
        PipelineRun late = driver.<PipelineRun>store(PipelineTopology.STORE).get("late");
        assertThat(late.getFailure()).contains("deadline");
        assertThat(late.getState()).isEqualTo(PipelineState.COMPENSATING); // its build step is being cancelled
    }

    @Test
    void shouldDeadLetterACompensationThatFailsWithTheGraphAndEveryStepsState() {
        pipelines.pipeInput("p1", release());
        succeed("build", "\"b-7\"");
        succeed("test", null);
        succeed("lint", null);
        succeed("deploy", "\"v7\"");
        Pipeline failing = Pipeline.newBuilder(release()).setPipelineId("p4").setSteps(List.of(
            release().getSteps().get(0), release().getSteps().get(1), release().getSteps().get(2),
            release().getSteps().get(3), step("verify", "{}", "deploy"))).build();
        pipelines.pipeInput("p4", failing);
        for (String step : List.of("build", "test", "lint", "deploy")) {
            report(PipelineRuns.stepTaskId("p4", step), TaskStatusType.SUCCEEDED, "\"" + step + "\"");
        }
        report(PipelineRuns.stepTaskId("p4", "verify"), TaskStatusType.DEAD_LETTERED, null);
        assertThat(tasks.readValuesToList()).extracting(TaskEvent::getTaskId)
            .endsWith(PipelineRuns.undoTaskId("p4", "deploy"));

        report(PipelineRuns.undoTaskId("p4", "deploy"), TaskStatusType.DEAD_LETTERED, null);

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.COMPENSATION_FAILED);
        assertThat(letter.getMessage()).contains("Pipeline p4 could not be undone", "step verify ended DEAD_LETTERED",
            "compensation of deploy ended DEAD_LETTERED", "deploy [COMPENSATION_FAILED]", "verify [FAILED]");
    }

    @Test
    void shouldDeadLetterBadPipelinesWithEveryProblem() {
        Pipeline cyclic = Pipeline.newBuilder(release()).setSteps(List.of(step("a", "{}", "b"),
            step("b", "${steps.c.result}", "a"))).build();
        pipelines.pipeInput("p1", cyclic);
        pipelines.pipeInput("other", release());
        rawPipelines.pipeInput("p9".getBytes(), new byte[] {1, 2, 3});

        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.INVALID_REQUEST,
            DeadLetterReason.INVALID_REQUEST, DeadLetterReason.UNDECODABLE);
        assertThat(letters.get(0).getMessage()).contains("cycle: a -> b -> a", "steps.b.task.payload");
        assertThat(letters.get(1).getMessage()).contains("must equal the record key 'other'");
        assertThat(tasks.isEmpty()).isTrue();
    }
}
