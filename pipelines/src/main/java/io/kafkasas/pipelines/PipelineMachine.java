package io.kafkasas.pipelines;

import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineFailurePolicy;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.PipelineState;
import io.kafkasas.avro.PipelineStepRun;
import io.kafkasas.avro.PipelineStepState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.PipelineRuns;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decisions of one pipeline: plain functions of its state, what happened, and the time.
 * <ul>
 *   <li>{@link #start}: the steps without dependencies are submitted;</li>
 *   <li>{@link #status}: a step's task (or compensation) changed state, as the status topic tells it. A step that
 *   succeeded hands its result on, and every step whose dependencies have now all succeeded is submitted; the last
 *   makes the pipeline SUCCEEDED. A step that ends without success fails the pipeline;</li>
 *   <li>{@link #fail}: a failed step, the deadline, or a cancel. No step starts any more, running ones are cancelled
 *   and waiting ones never run. Under COMPENSATE, once nothing runs, the steps that succeeded are undone one at a
 *   time, newest first, each by its compensation task (with its own retries); a compensation that cannot succeed
 *   leaves the pipeline COMPENSATION_FAILED, to be dead-lettered with its history. Under STOP, what was done
 *   stays.</li>
 * </ul>
 * Every task a step submits is named after the pipeline and the step ({@link PipelineRuns}), so a decision
 * carried out twice submits nothing twice.
 */
public final class PipelineMachine {

    private static final Set<TaskStatusType> FAILURES = EnumSet.of(TaskStatusType.DEAD_LETTERED,
        TaskStatusType.CANCELLED, TaskStatusType.REJECTED);
    private static final Set<PipelineStepState> UNDER_WAY = EnumSet.of(PipelineStepState.SUBMITTED,
        PipelineStepState.RUNNING);
    private static final Set<PipelineState> ENDED = EnumSet.of(PipelineState.SUCCEEDED, PipelineState.COMPENSATED,
        PipelineState.STOPPED, PipelineState.COMPENSATION_FAILED);

    static {
        Contracts.trust(); // the records built here are contract classes
    }

    /** What a step decided: the new state, the tasks to submit, the tasks to cancel, and whether it just ended. */
    public record Step(PipelineRun run, List<TaskRequest> submit, List<String> cancel) {

        /** Whether the pipeline has ended (and nothing more will happen to it). */
        public boolean ended() {
            return ENDED.contains(run.getState());
        }
    }

    private PipelineMachine() {
    }

    /** {@code pipeline} (checked by {@link PipelineRules}) starts. */
    public static Step start(Pipeline pipeline, Instant now) {
        List<PipelineStepRun> steps = pipeline.getSteps().stream().map(step -> PipelineStepRun.newBuilder()
            .setName(step.getName()).setState(PipelineStepState.WAITING).build()).toList();
        Builder step = new Builder(PipelineRun.newBuilder().setPipeline(pipeline).setState(PipelineState.RUNNING)
            .setSteps(new ArrayList<>(steps)).setCompleted(new ArrayList<>()).setUpdatedAt(now).build(), now);
        step.submitReady();
        return step.build();
    }

    /** A status of one of the pipeline's tasks; statuses of tasks it does not know change nothing. */
    public static Step status(PipelineRun run, TaskStatus status, Instant now) {
        Builder step = new Builder(run, now);
        String name = PipelineRuns.stepOf(status.getTaskId()).orElse(null);
        PipelineStepRun stepRun = name == null ? null : step.find(name);
        if (stepRun != null) {
            if (PipelineRuns.isUndo(status.getTaskId())) {
                step.onUndo(stepRun, status);
            } else {
                step.onStep(stepRun, status);
            }
        }
        return step.build();
    }

    /** The pipeline fails for {@code reason} (a cancel, the deadline); nothing changes once it is failing or over. */
    public static Step fail(PipelineRun run, String reason, Instant now) {
        Builder step = new Builder(run, now);
        step.fail(reason);
        return step.build();
    }

    /** One decision under way. */
    private static final class Builder {
        private final PipelineRun run;
        private final Instant now;
        private final List<TaskRequest> submit = new ArrayList<>();
        private final List<String> cancel = new ArrayList<>();

        Builder(PipelineRun run, Instant now) {
            this.run = PipelineRun.newBuilder(run).build(); // a deep copy: the caller's state stays as it was
            this.now = now;
        }

        PipelineStepRun find(String name) {
            return run.getSteps().stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
        }

        void onStep(PipelineStepRun step, TaskStatus status) {
            TaskStatusType type = status.getStatus();
            if (type == TaskStatusType.STARTED && UNDER_WAY.contains(step.getState())) {
                step.setState(PipelineStepState.RUNNING);
                step.setStartedAt(status.getTimestamp());
                step.setAttempts(step.getAttempts() + 1);
            } else if (type == TaskStatusType.FAILED || type == TaskStatusType.TIMED_OUT) {
                step.setError(status.getError()); // retried by the supervisor: the step goes on
            } else if (type == TaskStatusType.SUCCEEDED && UNDER_WAY.contains(step.getState())) {
                step.setState(PipelineStepState.SUCCEEDED);
                step.setEndedAt(status.getTimestamp());
                step.setResult(status.getResult());
                run.getCompleted().add(step.getName());
                if (run.getState() == PipelineState.RUNNING) {
                    submitReady();
                }
            } else if (FAILURES.contains(type) && UNDER_WAY.contains(step.getState())) {
                step.setState(PipelineStepState.FAILED);
                step.setEndedAt(status.getTimestamp());
                step.setError(status.getError());
                fail("step " + step.getName() + " ended " + type + (status.getError() == null ? ""
                    : ": " + status.getError().getType() + " " + status.getError().getMessage()));
            }
            if (run.getState() == PipelineState.COMPENSATING) {
                undoNext();
            }
        }

        void onUndo(PipelineStepRun step, TaskStatus status) {
            if (step.getState() != PipelineStepState.COMPENSATING) {
                return;
            }
            TaskStatusType type = status.getStatus();
            if (type == TaskStatusType.STARTED) {
                step.setAttempts(step.getAttempts() + 1);
            } else if (type == TaskStatusType.FAILED || type == TaskStatusType.TIMED_OUT) {
                step.setError(status.getError());
            } else if (type == TaskStatusType.SUCCEEDED) {
                step.setState(PipelineStepState.COMPENSATED);
                step.setEndedAt(status.getTimestamp());
                undoNext();
            } else if (FAILURES.contains(type)) {
                step.setState(PipelineStepState.COMPENSATION_FAILED);
                step.setEndedAt(status.getTimestamp());
                step.setError(status.getError());
                run.setState(PipelineState.COMPENSATION_FAILED);
                run.setFailure(run.getFailure() + "; then the compensation of " + step.getName() + " ended " + type);
            }
        }

        /** Submits every waiting step whose dependencies have all succeeded; the last step's success ends it. */
        void submitReady() {
            PipelineGraph graph = PipelineGraph.of(run.getPipeline());
            List<String> started = run.getSteps().stream().filter(s -> s.getState() != PipelineStepState.WAITING)
                .map(PipelineStepRun::getName).toList();
            for (String name : graph.ready(run.getCompleted(), started)) {
                PipelineStepRun step = find(name);
                step.setState(PipelineStepState.SUBMITTED);
                step.setSubmittedAt(now);
                submit.add(PipelineRules.stepRequest(run.getPipeline(), name, results(), now));
            }
            if (run.getCompleted().size() == run.getSteps().size()) {
                run.setState(PipelineState.SUCCEEDED);
            }
        }

        void fail(String reason) {
            if (run.getState() != PipelineState.RUNNING) {
                return;
            }
            run.setFailure(reason);
            boolean compensate = run.getPipeline().getOnFailure() != PipelineFailurePolicy.STOP;
            run.setState(compensate ? PipelineState.COMPENSATING : PipelineState.STOPPED);
            for (PipelineStepRun step : run.getSteps()) {
                if (step.getState() == PipelineStepState.WAITING) {
                    step.setState(PipelineStepState.NOT_RUN);
                } else if (UNDER_WAY.contains(step.getState())) {
                    cancel.add(PipelineRuns.stepTaskId(run.getPipeline().getPipelineId(), step.getName()));
                }
            }
            if (compensate) {
                undoNext();
            }
        }

        /**
         * Once nothing runs, undoes the newest succeeded step not undone yet (one at a time); with none left, the
         * pipeline is COMPENSATED.
         */
        void undoNext() {
            boolean busy = run.getSteps().stream().anyMatch(s -> UNDER_WAY.contains(s.getState())
                || s.getState() == PipelineStepState.COMPENSATING);
            if (busy || run.getState() != PipelineState.COMPENSATING) {
                return;
            }
            List<String> completed = run.getCompleted();
            for (int i = completed.size() - 1; i >= 0; i--) {
                PipelineStepRun step = find(completed.get(i));
                TaskRequest undo = step.getState() == PipelineStepState.SUCCEEDED
                    ? PipelineRules.undoRequest(run.getPipeline(), step.getName(), results(), now) : null;
                if (undo != null) {
                    step.setState(PipelineStepState.COMPENSATING);
                    step.setAttempts(0);
                    step.setSubmittedAt(now);
                    submit.add(undo);
                    return;
                }
            }
            run.setState(PipelineState.COMPENSATED);
        }

        private Map<String, ByteBuffer> results() {
            Map<String, ByteBuffer> results = new HashMap<>();
            run.getSteps().stream().filter(s -> s.getResult() != null).forEach(s -> results.put(s.getName(),
                s.getResult()));
            return results;
        }

        Step build() {
            run.setUpdatedAt(now);
            return new Step(run, submit, cancel);
        }
    }
}
