package io.kafkasas.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineFailurePolicy;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.PipelineState;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.PipelineStepRun;
import io.kafkasas.avro.PipelineStepState;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.PipelineRuns;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every transition of a pipeline, alone: fan-out, fan-in, failure, compensation, cancel, STOP. */
class PipelineMachineTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");

    private PipelineRun run;

    /** The release pipeline, package and deploy with compensations. */
    private static Pipeline release(PipelineFailurePolicy policy) {
        List<PipelineStep> steps = PipelineRulesTest.releaseSteps();
        steps.get(3).setCompensation(TaskRequest.newBuilder().setType("shell").setSubmittedAt(NOW).build());
        return Pipeline.newBuilder(PipelineRulesTest.release(steps)).setOnFailure(policy).build();
    }

    private List<String> start(Pipeline pipeline) {
        PipelineMachine.Step step = PipelineMachine.start(pipeline, NOW);
        run = step.run();
        return ids(step.submit());
    }

    /** Reports {@code type} for {@code step}'s task (its compensation's with {@code undo}); returns what it submits. */
    private PipelineMachine.Step report(String step, boolean undo, TaskStatusType type, String result) {
        String taskId = undo ? PipelineRuns.undoTaskId("release-42", step) : PipelineRuns.stepTaskId("release-42",
            step);
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setAttempt(1).setStatus(type)
            .setTimestamp(NOW);
        if (result != null) {
            status.setResult(ByteBuffer.wrap(result.getBytes(StandardCharsets.UTF_8)));
        }
        if (type == TaskStatusType.DEAD_LETTERED) {
            status.setError(TaskError.newBuilder().setType("shell.exit").setMessage("exit 1").build());
        }
        PipelineMachine.Step step2 = PipelineMachine.status(run, status.build(), NOW);
        run = step2.run();
        return step2;
    }

    private List<String> succeed(String... steps) {
        List<String> submitted = new ArrayList<>();
        for (String step : steps) {
            report(step, false, TaskStatusType.STARTED, null);
            submitted.addAll(ids(report(step, false, TaskStatusType.SUCCEEDED, "\"" + step + "-out\"").submit()));
        }
        return submitted;
    }

    private static List<String> ids(List<TaskRequest> requests) {
        return requests.stream().map(TaskRequest::getTaskId).toList();
    }

    private PipelineStepState state(String step) {
        return run.getSteps().stream().filter(s -> s.getName().equals(step)).findFirst().map(PipelineStepRun::getState)
            .orElseThrow();
    }

    private static String stepId(String step) {
        return PipelineRuns.stepTaskId("release-42", step);
    }

    @Test
    void shouldFanOutFanInAndSucceedWithEachResultHandedOn() {
        assertThat(start(release(PipelineFailurePolicy.COMPENSATE))).containsExactly(stepId("build"));
        assertThat(succeed("build")).containsExactly(stepId("test"), stepId("lint"));
        assertThat(succeed("test")).as("package waits for lint too").isEmpty();
        report("build", false, TaskStatusType.SUCCEEDED, "\"again\"");
        assertThat(succeed("lint")).containsExactly(stepId("package"));

        report("package", false, TaskStatusType.STARTED, null);
        TaskRequest deploy = report("package", false, TaskStatusType.SUCCEEDED, "\"app.tar\"").submit().get(0);
        succeed("deploy", "verify");

        assertThat(StandardCharsets.UTF_8.decode(deploy.getPayload()).toString())
            .isEqualTo("{\"artifact\": \"app.tar\"}");
        assertThat(run.getState()).isEqualTo(PipelineState.SUCCEEDED);
        assertThat(run.getCompleted()).containsExactly("build", "test", "lint", "package", "deploy", "verify");
    }

    @Test
    void shouldUndoTheStepsThatSucceededNewestFirstWhenAStepFails() {
        start(release(PipelineFailurePolicy.COMPENSATE));
        succeed("build", "test", "lint", "package", "deploy");

        PipelineMachine.Step failed = report("verify", false, TaskStatusType.DEAD_LETTERED, null);

        assertThat(run.getState()).isEqualTo(PipelineState.COMPENSATING);
        assertThat(run.getFailure()).contains("step verify ended DEAD_LETTERED", "shell.exit");
        TaskRequest undoDeploy = failed.submit().get(0);
        assertThat(ids(failed.submit())).containsExactly(PipelineRuns.undoTaskId("release-42", "deploy"));
        assertThat(StandardCharsets.UTF_8.decode(undoDeploy.getPayload()).toString())
            .isEqualTo("{\"undeploy\": \"deploy-out\"}");
        report("deploy", true, TaskStatusType.STARTED, null);
        assertThat(ids(report("deploy", true, TaskStatusType.SUCCEEDED, null).submit()))
            .containsExactly(PipelineRuns.undoTaskId("release-42", "package"));
        report("package", true, TaskStatusType.SUCCEEDED, null);

        assertThat(run.getState()).isEqualTo(PipelineState.COMPENSATED);
        assertThat(state("deploy")).isEqualTo(PipelineStepState.COMPENSATED);
        assertThat(state("package")).isEqualTo(PipelineStepState.COMPENSATED);
        assertThat(state("build")).as("no compensation: stays").isEqualTo(PipelineStepState.SUCCEEDED);
    }

    @Test
    void shouldStopUndoingAndSaySoWhenACompensationFails() {
        start(release(PipelineFailurePolicy.COMPENSATE));
        succeed("build", "test", "lint", "package", "deploy");
        report("verify", false, TaskStatusType.DEAD_LETTERED, null);

        PipelineMachine.Step step = report("deploy", true, TaskStatusType.DEAD_LETTERED, null);

        assertThat(step.ended()).isTrue();
        assertThat(run.getState()).isEqualTo(PipelineState.COMPENSATION_FAILED);
        assertThat(run.getFailure()).endsWith("then the compensation of deploy ended DEAD_LETTERED");
        assertThat(state("package")).as("not undone: left for an operator").isEqualTo(PipelineStepState.SUCCEEDED);
        assertThat(step.submit()).isEmpty();
    }

    @Test
    void shouldCancelRunningStepsAndUndoOnlyOnceNothingRuns() {
        start(release(PipelineFailurePolicy.COMPENSATE));
        succeed("build");
        report("test", false, TaskStatusType.STARTED, null);

        PipelineMachine.Step cancelled = PipelineMachine.fail(run, "cancelled by ops", NOW);
        run = cancelled.run();

        assertThat(cancelled.cancel()).containsExactly(stepId("test"), stepId("lint"));
        assertThat(state("package")).isEqualTo(PipelineStepState.NOT_RUN);
        assertThat(cancelled.submit()).as("test and lint still run").isEmpty();
        assertThat(report("test", false, TaskStatusType.CANCELLED, null).submit()).isEmpty();
        report("lint", false, TaskStatusType.SUCCEEDED, "\"late\""); // won the race against its cancel
        assertThat(run.getState()).as("no compensation for build or lint").isEqualTo(PipelineState.COMPENSATED);
        assertThat(run.getFailure()).isEqualTo("cancelled by ops");
        assertThat(PipelineMachine.fail(run, "again", NOW).run().getFailure()).isEqualTo("cancelled by ops");
    }

    @Test
    void shouldLeaveWhatWasDoneUnderStop() {
        start(release(PipelineFailurePolicy.STOP));
        succeed("build", "test", "lint", "package", "deploy");

        PipelineMachine.Step failed = report("verify", false, TaskStatusType.REJECTED, null);

        assertThat(run.getState()).isEqualTo(PipelineState.STOPPED);
        assertThat(failed.submit()).isEmpty();
        assertThat(state("deploy")).isEqualTo(PipelineStepState.SUCCEEDED);
    }
}
