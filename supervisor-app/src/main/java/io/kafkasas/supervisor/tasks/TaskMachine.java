package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.AttemptRecord;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Deadlines;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.Times;
import io.kafkasas.schemas.Wire;
import io.kafkasas.supervisor.SupervisorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task state machine's decisions, as plain functions of a task (as stored, or null) and one input: what the
 * task becomes and what is sent out ({@link Outputs}). QUEUED → RUNNING(agent, incarnation, attempt, started,
 * deadline) → SUCCEEDED | CANCELLED | RETRY_WAIT → QUEUED (attempt n+1) | DEAD_LETTERED. The rules:
 * <ul>
 *   <li>a status of an attempt older than the current one is stale: counted and kept in the history, never the
 *       outcome;</li>
 *   <li>FAILED or TIMED_OUT (retryable, attempts left) waits out the back-off, then attempt n+1 is emitted; an
 *       attempt of an agent declared dead and a RELEASED one are re-emitted at once;</li>
 *   <li>a non-retryable error or the last attempt ends in the dead-letter topic with the full history;</li>
 *   <li>an attempt still RUNNING past its deadline (+ grace) gets CANCEL_TASK and counts as failed;</li>
 *   <li>a cancel request (CANCEL_REQUESTED) ends a waiting task CANCELLED at once and sends CANCEL_TASK to the
 *       agent of a running one.</li>
 * </ul>
 */
public final class TaskMachine {

    /** The states a task never leaves. */
    private static final Set<TaskStatusType> OUTCOMES = EnumSet.of(TaskStatusType.SUCCEEDED, TaskStatusType.FAILED,
        TaskStatusType.TIMED_OUT, TaskStatusType.CANCELLED, TaskStatusType.RELEASED);
    private static final Logger LOG = LoggerFactory.getLogger(TaskMachine.class);

    /** What one input decided: the task to store (null: it stays as it was) and the records to send. */
    public record Decision(SupervisedTask task, List<Outputs.Output> outputs) {
        static Decision none() {
            return new Decision(null, List.of());
        }
    }

    private final Duration deadlineGrace;
    private final Backoff backoff;
    private final Outputs outputs;
    private final SupervisorMetrics metrics;

    public TaskMachine(Duration deadlineGrace, Backoff backoff, Outputs outputs, SupervisorMetrics metrics) {
        this.deadlineGrace = deadlineGrace;
        this.backoff = backoff;
        this.outputs = outputs;
        this.metrics = metrics;
    }

    /** When the task's one timer is due: the retry of RETRY_WAIT, the deadline (+ grace) of RUNNING; or null. */
    public Instant timerOf(SupervisedTask task) {
        if (task.getState() == SupervisedTaskState.RETRY_WAIT) {
            return task.getRetryAt();
        }
        if (task.getState() == SupervisedTaskState.RUNNING && task.getDeadline() != null) {
            return Times.plus(task.getDeadline(), deadlineGrace);
        }
        return null;
    }

    /** A task event: the first attempt, a re-emission read back, or a replay of the past. */
    public Decision onEvent(SupervisedTask task, TaskEvent event, Instant now) {
        if (task == null) {
            task = queued(event.getTaskId(), event.getAttempt(), now);
        } else if (Statuses.ENDED.contains(task.getState()) || event.getAttempt() < task.getAttempt()
            || (event.getAttempt() == task.getAttempt() && task.getEvent() != null)) {
            return Decision.none(); // our own re-emission read back, or a replay of the past
        }
        boolean started = task.getState() == SupervisedTaskState.RUNNING && task.getAttempt() == event.getAttempt();
        task.setEvent(event);
        task.setAttempt(event.getAttempt());
        if (started) {
            task.setDeadline(Deadlines.of(event, task.getStartedAt())); // the STARTED status came first
        } else {
            task.setState(SupervisedTaskState.QUEUED);
        }
        return new Decision(task, List.of());
    }

    /** A status: from the scheduler (attempt 0: QUEUED, REJECTED, CANCEL_REQUESTED) or from an agent. */
    public Decision onStatus(SupervisedTask task, TaskStatus status, Instant now) {
        List<Outputs.Output> out = new ArrayList<>();
        if (status.getAttempt() == 0) {
            return new Decision(onIntake(task, status, now, out), out);
        }
        if (task == null) {
            task = queued(status.getTaskId(), status.getAttempt(), now);
        }
        if (task.getState() == SupervisedTaskState.CANCELLED && status.getStatus() == TaskStatusType.STARTED) {
            // the agent took the event before the cancel: stop it there
            out.add(outputs.cancelOnAgent(task, status.getAgentId(), status.getIncarnation(),
                "the task was cancelled", now));
            return new Decision(null, out);
        }
        boolean agentOutcome = status.getAgentId() != null && status.getStatus() != TaskStatusType.PROGRESS
            && status.getStatus() != TaskStatusType.STARTED;
        boolean ended = Statuses.ENDED.contains(task.getState());
        if (status.getAttempt() < task.getAttempt() || (ended && agentOutcome)
            // this attempt has already ended (e.g. by a deadline, then the agent's own TIMED_OUT)
            || (task.getState() == SupervisedTaskState.RETRY_WAIT && status.getAttempt() == task.getAttempt()
                && OUTCOMES.contains(status.getStatus()))) {
            return new Decision(stale(task, status), out);
        }
        if (ended) {
            return Decision.none();
        }
        task.setAttempt(status.getAttempt());
        switch (status.getStatus()) {
            case STARTED -> started(task, status);
            case SUCCEEDED -> end(task, status, SupervisedTaskState.SUCCEEDED, now);
            case CANCELLED -> end(task, status, SupervisedTaskState.CANCELLED, now);
            case FAILED, TIMED_OUT -> failed(task, status, now, out);
            case RELEASED -> {
                record(task, status, now);
                emitNext(task, EmitReason.RELEASED, now, out);
            }
            default -> {
                return Decision.none(); // PROGRESS, and the statuses the supervisor writes itself
            }
        }
        return new Decision(task, out);
    }

    /**
     * An agent incarnation ended ({@code death}): the task's attempt, if that incarnation (or an older one) runs
     * it, failed with {@code agent.dead} and is re-emitted at once.
     */
    public Decision onAgentGone(SupervisedTask task, AgentDeath death, Instant now) {
        if (task == null || task.getState() != SupervisedTaskState.RUNNING
            || !death.getAgentId().equals(task.getAgentId()) || task.getIncarnation() == null
            || task.getIncarnation() > death.getIncarnation()) {
            return Decision.none();
        }
        String why = switch (death.getCause()) {
            case REPLACED -> "was restarted";
            case SILENT -> "stopped sending heartbeats";
            default -> "was declared dead";
        };
        TaskError error = TaskError.newBuilder().setType(Wire.AGENT_DEAD_ERROR).setRetryable(true)
            .setMessage("Agent " + task.getAgentId() + " (incarnation " + task.getIncarnation() + ") " + why
                + " while running this attempt").build();
        TaskStatus failed = Outputs.statusOf(task, TaskStatusType.FAILED, now).setError(error)
            .setMessage(error.getMessage()).build();
        List<Outputs.Output> out = new ArrayList<>();
        out.add(Outputs.status(failed)); // for whoever follows the statuses; read back, it is the past
        failed(task, failed, now, out);
        return new Decision(task, out);
    }

    /** The task's timer ({@link #timerOf}) is due: retry it, or cancel an attempt past its deadline. */
    public Decision onTimer(SupervisedTask task, Instant now) {
        Instant due = timerOf(task);
        if (due == null || due.isAfter(now)) {
            return Decision.none();
        }
        List<Outputs.Output> out = new ArrayList<>();
        if (task.getState() == SupervisedTaskState.RETRY_WAIT) {
            emitNext(task, EmitReason.RETRY, now, out);
            return new Decision(task, out);
        }
        String message = "Attempt " + task.getAttempt() + " ran past its deadline " + task.getDeadline()
            + " on agent " + task.getAgentId();
        out.add(outputs.cancelOnAgent(task, task.getAgentId(), task.getIncarnation(), message, now));
        TaskError error = TaskError.newBuilder().setType(Wire.DEADLINE_ERROR).setMessage(message).setRetryable(true)
            .build();
        record(task, Outputs.statusOf(task, TaskStatusType.TIMED_OUT, now).setError(error).build(), now);
        task.setLastError(error);
        retryOrDeadLetter(task, error, EmitReason.DEADLINE_EXCEEDED, false, now, out);
        return new Decision(task, out);
    }

    private static SupervisedTask queued(String taskId, int attempt, Instant now) {
        return SupervisedTask.newBuilder().setTaskId(taskId).setState(SupervisedTaskState.QUEUED).setAttempt(attempt)
            .setUpdatedAt(now).build();
    }

    private SupervisedTask onIntake(SupervisedTask task, TaskStatus status, Instant now, List<Outputs.Output> out) {
        if (status.getStatus() == TaskStatusType.CANCEL_REQUESTED) {
            return cancelRequested(task == null ? queued(status.getTaskId(), 0, now) : task, status, now, out);
        } else if (status.getStatus() == TaskStatusType.REJECTED) {
            return SupervisedTask.newBuilder().setTaskId(status.getTaskId()).setState(SupervisedTaskState.REJECTED)
                .setLastError(status.getError()).setUpdatedAt(now).build();
        } else if (task == null && status.getStatus() == TaskStatusType.QUEUED) {
            SupervisedTask queued = queued(status.getTaskId(), 0, now);
            queued.setHeldByLimit(status.getLimitKey()); // a limit holds it (delayed tasks have none)
            return queued;
        }
        return null;
    }

    /**
     * A cancel request: a task not running ends CANCELLED now; a running one gets CANCEL_TASK on its agent and
     * ends CANCELLED when the agent says so (or when the attempt fails in any way).
     */
    private SupervisedTask cancelRequested(SupervisedTask task, TaskStatus request, Instant now,
                                           List<Outputs.Output> out) {
        if (Statuses.ENDED.contains(task.getState())) {
            return null;
        }
        String reason = request.getMessage() != null ? request.getMessage() : "cancel requested";
        if (task.getState() == SupervisedTaskState.RUNNING) {
            task.setCancelRequested(true);
            out.add(outputs.cancelOnAgent(task, task.getAgentId(), task.getIncarnation(), reason, now));
        } else {
            task.setState(SupervisedTaskState.CANCELLED);
            out.add(Outputs.status(Outputs.statusOf(task, TaskStatusType.CANCELLED, now).setMessage(reason).build()));
        }
        return task;
    }

    private void started(SupervisedTask task, TaskStatus status) {
        if (task.getEvent() != null) {
            metrics.started(Duration.between(task.getEvent().getSubmittedAt(), status.getTimestamp()));
        }
        task.setState(SupervisedTaskState.RUNNING);
        task.setAgentId(status.getAgentId());
        task.setIncarnation(status.getIncarnation());
        task.setStartedAt(status.getTimestamp());
        task.setDeadline(task.getEvent() == null ? null : Deadlines.of(task.getEvent(), status.getTimestamp()));
    }

    private void end(SupervisedTask task, TaskStatus status, SupervisedTaskState state, Instant now) {
        record(task, status, now);
        if (state == SupervisedTaskState.SUCCEEDED) {
            task.setResult(status.getResult());
            if (task.getEvent() != null) {
                metrics.succeeded(Duration.between(task.getEvent().getSubmittedAt(), status.getTimestamp()));
            }
        }
        task.setState(state);
    }

    private void failed(SupervisedTask task, TaskStatus status, Instant now, List<Outputs.Output> out) {
        record(task, status, now);
        TaskError error = status.getError();
        task.setLastError(error);
        if (task.getCancelRequested()) {
            task.setState(SupervisedTaskState.CANCELLED);
            out.add(Outputs.status(Outputs.statusOf(task, TaskStatusType.CANCELLED, now)
                .setMessage("cancelled; the attempt ended " + status.getStatus()).build()));
            return;
        }
        boolean orphaned = error != null && Wire.AGENT_DEAD_ERROR.equals(error.getType());
        retryOrDeadLetter(task, error, orphaned ? EmitReason.AGENT_DEAD : EmitReason.RETRY, orphaned, now, out);
    }

    /** Counts a failed attempt, then retries (now or after the back-off) or dead-letters the task. */
    private void retryOrDeadLetter(SupervisedTask task, TaskError error, EmitReason reason, boolean immediately,
                                   Instant now, List<Outputs.Output> out) {
        task.setFailures(task.getFailures() + 1);
        if (task.getEvent() == null) {
            deadLetter(task, DeadLetterReason.UNKNOWN, "The supervisor never saw this task's event, so it cannot"
                + " run it again", now, out);
            return;
        }
        RetryPolicy policy = task.getEvent().getRetryPolicy();
        boolean retryable = error == null || (error.getRetryable()
            && !policy.getNonRetryableErrorTypes().contains(error.getType()));
        if (!retryable) {
            deadLetter(task, DeadLetterReason.NON_RETRYABLE_FAILURE, "Attempt " + task.getAttempt()
                + " failed with a non-retryable error: " + describe(error), now, out);
        } else if (task.getFailures() >= policy.getMaxAttempts()) {
            deadLetter(task, DeadLetterReason.RETRIES_EXHAUSTED, "All " + policy.getMaxAttempts()
                + " attempts failed; the last: " + describe(error), now, out);
        } else if (immediately) {
            emitNext(task, reason, now, out);
        } else {
            task.setState(SupervisedTaskState.RETRY_WAIT);
            task.setRetryAt(Times.plus(now, backoff.delay(policy, task.getFailures())));
        }
    }

    private static String describe(TaskError error) {
        return error == null ? "(no error given)" : error.getType() + ": " + error.getMessage();
    }

    private void emitNext(SupervisedTask task, EmitReason reason, Instant now, List<Outputs.Output> out) {
        TaskEvent next = TaskEvent.newBuilder(task.getEvent()).setAttempt(task.getAttempt() + 1).setEmittedAt(now)
            .setEmitReason(reason).build();
        task.setAttempt(next.getAttempt());
        task.setEvent(next);
        task.setState(SupervisedTaskState.QUEUED);
        task.setAgentId(null);
        task.setIncarnation(null);
        task.setStartedAt(null);
        task.setDeadline(null);
        task.setRetryAt(null);
        metrics.reemitted(reason);
        LOG.info("Task {}: emitting attempt {} ({})", task.getTaskId(), next.getAttempt(), reason);
        out.add(outputs.event(next));
    }

    private void deadLetter(SupervisedTask task, DeadLetterReason reason, String message, Instant now,
                            List<Outputs.Output> out) {
        task.setState(SupervisedTaskState.DEAD_LETTERED);
        metrics.deadLettered();
        LOG.warn("Task {} dead-lettered: {}", task.getTaskId(), message);
        out.add(outputs.deadLetter(task, reason, message, now));
        out.add(Outputs.status(Outputs.statusOf(task, TaskStatusType.DEAD_LETTERED, now).setMessage(message)
            .setError(task.getLastError()).build()));
    }

    /** A status of an attempt already over: kept in the history as STALE, never the outcome. */
    private SupervisedTask stale(SupervisedTask task, TaskStatus status) {
        if (status.getStatus() == TaskStatusType.PROGRESS || status.getAgentId() == null) {
            return null; // progress of the past, or the supervisor's own word read back
        }
        metrics.stale();
        LOG.info("Task {}: {} of attempt {} is stale (current attempt {}, state {})", task.getTaskId(),
            status.getStatus(), status.getAttempt(), task.getAttempt(), task.getState());
        task.setStaleResults(task.getStaleResults() + 1);
        List<AttemptRecord> attempts = new ArrayList<>(task.getAttempts());
        attempts.add(AttemptRecord.newBuilder().setAttempt(status.getAttempt()).setAgentId(status.getAgentId())
            .setEndedAt(status.getTimestamp()).setOutcome(TaskStatusType.STALE).setError(status.getError()).build());
        task.setAttempts(attempts);
        return task;
    }

    /** Adds the attempt that {@code status} ends to the history. */
    private static void record(SupervisedTask task, TaskStatus status, Instant now) {
        List<AttemptRecord> attempts = new ArrayList<>(task.getAttempts());
        attempts.add(AttemptRecord.newBuilder().setAttempt(status.getAttempt())
            .setAgentId(status.getAgentId() != null ? status.getAgentId() : task.getAgentId())
            .setStartedAt(task.getStartedAt()).setEndedAt(status.getTimestamp() != null ? status.getTimestamp() : now)
            .setOutcome(status.getStatus()).setError(status.getError()).build());
        task.setAttempts(attempts);
    }
}
