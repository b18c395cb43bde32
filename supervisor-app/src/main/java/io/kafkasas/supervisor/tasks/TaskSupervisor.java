package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AttemptRecord;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.Times;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.supervisor.SupervisorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task state machine, one record per task (store {@code supervisor-tasks}), fed by task events and statuses:
 * QUEUED → RUNNING(agent, attempt, started, deadline) → SUCCEEDED | CANCELLED | RETRY_WAIT → QUEUED (attempt n+1)
 * | DEAD_LETTERED. Decisions:
 * <ul>
 *   <li>a status of an attempt older than the current one is stale: counted and kept in the history, never the
 *       outcome;</li>
 *   <li>FAILED or TIMED_OUT (retryable, attempts left) waits out the back-off, then attempt n+1 is emitted; an
 *       attempt orphaned by a dead agent ({@code agent.dead}) and a RELEASED one are re-emitted at once;</li>
 *   <li>a non-retryable error or the last attempt ends in the dead-letter topic with the full history;</li>
 *   <li>an attempt still RUNNING past its deadline (+ grace) gets CANCEL_TASK and counts as failed;</li>
 *   <li>a cancel request (CANCEL_REQUESTED) ends a waiting task CANCELLED at once and sends CANCEL_TASK to the
 *       agent of a running one.</li>
 * </ul>
 * Timers live in {@code supervisor-task-timers} keyed by {@code <due ms>|<task id>|<kind>}, scanned by a
 * wall-clock punctuator. Outputs go downstream: task events, statuses, commands, dead letters.
 */
public final class TaskSupervisor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    public static final String AGENT_DEAD_ERROR = "agent.dead";
    static final String PRODUCED_BY = "supervisor";
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);
    /** The states a task never leaves. */
    public static final Set<SupervisedTaskState> ENDED = EnumSet.of(SupervisedTaskState.SUCCEEDED,
        SupervisedTaskState.CANCELLED, SupervisedTaskState.DEAD_LETTERED, SupervisedTaskState.REJECTED);
    private static final Set<TaskStatusType> OUTCOMES = EnumSet.of(TaskStatusType.SUCCEEDED, TaskStatusType.FAILED,
        TaskStatusType.TIMED_OUT, TaskStatusType.CANCELLED, TaskStatusType.RELEASED);
    private static final Duration COUNT_INTERVAL = Duration.ofSeconds(5);
    private static final String RETRY = "retry";
    private static final String DEADLINE = "deadline";

    private final TopicNames topics;
    private final String tasksStore;
    private final String timersStore;
    private final Duration checkInterval;
    private final Duration deadlineGrace;
    private final Backoff backoff;
    private final SupervisorMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, SupervisedTask> tasks;
    /** Tasks by state in this partition's store, for the metrics. */
    private final Map<SupervisedTaskState, Long> counts = new EnumMap<>(SupervisedTaskState.class);
    /** The state of the task last loaded, as it was in the store. */
    private SupervisedTaskState loadedState;
    private KeyValueStore<String, Integer> timers;

    public TaskSupervisor(String tasksStore, String timersStore, Duration checkInterval, Duration deadlineGrace,
                          Backoff backoff, SupervisorMetrics metrics, TopicNames topics) {
        this.topics = topics;
        this.tasksStore = tasksStore;
        this.timersStore = timersStore;
        this.checkInterval = checkInterval;
        this.deadlineGrace = deadlineGrace;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.tasks = context.getStateStore(tasksStore);
        this.timers = context.getStateStore(timersStore);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::fireTimers);
        // counted once here (the store is restored by now), then kept up to date by save(): a scan every few
        // seconds cost 140 ms a time at 100,000 tasks in flight
        try (KeyValueIterator<String, SupervisedTask> all = tasks.all()) {
            all.forEachRemaining(kv -> counts.merge(kv.value.getState(), 1L, Long::sum));
        }
        context.schedule(COUNT_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> metrics.tasksByState(this, counts));
    }

    /** The task from the store; its state is remembered, so that {@link #save} can move it between counts. */
    private SupervisedTask load(String taskId) {
        SupervisedTask task = tasks.get(taskId);
        loadedState = task == null ? null : task.getState();
        return task;
    }

    @Override
    public void close() {
        metrics.tasksByState(this, null);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (record.value() instanceof TaskEvent event) {
            onEvent(event, now);
        } else if (record.value() instanceof TaskStatus status) {
            onStatus(status, now);
        }
    }

    private void onEvent(TaskEvent event, Instant now) {
        SupervisedTask task = load(event.getTaskId());
        if (task == null) {
            task = SupervisedTask.newBuilder().setTaskId(event.getTaskId()).setState(SupervisedTaskState.QUEUED)
                .setUpdatedAt(now).build();
        } else if (ENDED.contains(task.getState()) || event.getAttempt() < task.getAttempt()
            || (event.getAttempt() == task.getAttempt() && task.getEvent() != null)) {
            return; // our own re-emission read back, or a replay of the past
        }
        boolean started = task.getState() == SupervisedTaskState.RUNNING && task.getAttempt() == event.getAttempt();
        task.setEvent(event);
        task.setAttempt(event.getAttempt());
        if (started) {
            // the STARTED status came first: now the deadline is known
            armDeadline(task);
        } else {
            task.setState(SupervisedTaskState.QUEUED);
        }
        save(task, now);
    }

    private void onStatus(TaskStatus status, Instant now) {
        SupervisedTask task = load(status.getTaskId());
        if (status.getAttempt() == 0) {
            onIntake(task, status, now);
            return;
        }
        if (task == null) {
            task = SupervisedTask.newBuilder().setTaskId(status.getTaskId()).setState(SupervisedTaskState.QUEUED)
                .setAttempt(status.getAttempt()).setUpdatedAt(now).build();
        }
        if (task.getState() == SupervisedTaskState.CANCELLED && status.getStatus() == TaskStatusType.STARTED) {
            // the agent took the event before the cancel: stop it there
            cancelOnAgent(task, status.getAgentId(), status.getIncarnation(), "the task was cancelled", now);
            return;
        }
        if (status.getAttempt() < task.getAttempt()
            || (ENDED.contains(task.getState()) && isAgentOutcome(status))) {
            stale(task, status, now);
            return;
        }
        if (ENDED.contains(task.getState())) {
            return;
        }
        if (task.getState() == SupervisedTaskState.RETRY_WAIT && status.getAttempt() == task.getAttempt()
            && OUTCOMES.contains(status.getStatus())) {
            // this attempt has already ended (e.g. the agent's FAILED and a dead-agent notice for the same attempt)
            stale(task, status, now);
            return;
        }
        task.setAttempt(status.getAttempt());
        switch (status.getStatus()) {
            case STARTED -> started(task, status, now);
            case SUCCEEDED -> end(task, status, SupervisedTaskState.SUCCEEDED, now);
            case CANCELLED -> end(task, status, SupervisedTaskState.CANCELLED, now);
            case FAILED, TIMED_OUT -> failed(task, status, now);
            case RELEASED -> {
                record(task, status, now);
                emitNext(task, EmitReason.RELEASED, now);
            }
            default -> {
                return; // PROGRESS, and the statuses this processor writes itself
            }
        }
        save(task, now);
    }

    private static boolean isAgentOutcome(TaskStatus status) {
        return status.getAgentId() != null && status.getStatus() != TaskStatusType.PROGRESS
            && status.getStatus() != TaskStatusType.STARTED;
    }

    private void onIntake(SupervisedTask task, TaskStatus status, Instant now) {
        if (status.getStatus() == TaskStatusType.CANCEL_REQUESTED) {
            cancelRequested(task, status, now);
        } else if (status.getStatus() == TaskStatusType.REJECTED) {
            save(SupervisedTask.newBuilder().setTaskId(status.getTaskId()).setState(SupervisedTaskState.REJECTED)
                .setLastError(status.getError()).setUpdatedAt(now).build(), now);
        } else if (task == null && status.getStatus() == TaskStatusType.QUEUED) {
            save(SupervisedTask.newBuilder().setTaskId(status.getTaskId()).setState(SupervisedTaskState.QUEUED)
                .setUpdatedAt(now).build(), now);
        }
    }

    /**
     * A cancel request: a task not running ends CANCELLED now; a running one gets CANCEL_TASK on its agent and
     * ends CANCELLED when the agent says so (or when the attempt fails in any way).
     */
    private void cancelRequested(SupervisedTask task, TaskStatus request, Instant now) {
        if (task == null) {
            task = SupervisedTask.newBuilder().setTaskId(request.getTaskId()).setState(SupervisedTaskState.QUEUED)
                .setUpdatedAt(now).build();
        }
        if (ENDED.contains(task.getState())) {
            return;
        }
        String reason = request.getMessage() != null ? request.getMessage() : "cancel requested";
        if (task.getState() == SupervisedTaskState.RUNNING) {
            task.setCancelRequested(true);
            cancelOnAgent(task, task.getAgentId(), task.getIncarnation(), reason, now);
        } else {
            task.setState(SupervisedTaskState.CANCELLED);
            TaskStatus.Builder cancelled = task.getEvent() != null
                ? Statuses.of(task.getEvent(), TaskStatusType.CANCELLED, now)
                : TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAttempt(task.getAttempt())
                    .setStatus(TaskStatusType.CANCELLED).setTimestamp(now);
            context.forward(new Record<>(task.getTaskId(), cancelled.setMessage(reason).build(), now.toEpochMilli()));
        }
        save(task, now);
    }

    private void cancelOnAgent(SupervisedTask task, String agentId, Long incarnation, String reason, Instant now) {
        context.forward(new Record<>(agentId, AgentCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
            .setAgentId(agentId).setType(AgentCommandType.CANCEL_TASK).setTargetIncarnation(incarnation)
            .setTaskId(task.getTaskId()).setAttempt(task.getAttempt()).setReason(reason).setIssuedAt(now)
            .setIssuedBy(PRODUCED_BY).build(), now.toEpochMilli()));
    }

    private void started(SupervisedTask task, TaskStatus status, Instant now) {
        if (task.getEvent() != null) {
            metrics.started(Duration.between(task.getEvent().getSubmittedAt(), status.getTimestamp()));
        }
        task.setState(SupervisedTaskState.RUNNING);
        task.setAgentId(status.getAgentId());
        task.setIncarnation(status.getIncarnation());
        task.setStartedAt(status.getTimestamp());
        armDeadline(task);
    }

    private void armDeadline(SupervisedTask task) {
        TaskEvent event = task.getEvent();
        if (event == null || task.getStartedAt() == null) {
            return;
        }
        Instant byTimeout = event.getExecutionTimeoutMs() == null ? null
            : Times.plusMillis(task.getStartedAt(), event.getExecutionTimeoutMs());
        Instant deadline = byTimeout;
        if (event.getDeadline() != null && (deadline == null || event.getDeadline().isBefore(deadline))) {
            deadline = event.getDeadline();
        }
        task.setDeadline(deadline);
        if (deadline != null) {
            timers.put(timerKey(Times.plus(deadline, deadlineGrace), task.getTaskId(), DEADLINE), task.getAttempt());
        }
    }

    private void end(SupervisedTask task, TaskStatus status, SupervisedTaskState state, Instant now) {
        record(task, status, now);
        if (state == SupervisedTaskState.SUCCEEDED && task.getEvent() != null) {
            metrics.succeeded(Duration.between(task.getEvent().getSubmittedAt(), status.getTimestamp()));
        }
        task.setState(state);
    }

    private void failed(SupervisedTask task, TaskStatus status, Instant now) {
        record(task, status, now);
        TaskError error = status.getError();
        task.setLastError(error);
        if (task.getCancelRequested()) {
            task.setState(SupervisedTaskState.CANCELLED);
            context.forward(new Record<>(task.getTaskId(), Statuses.of(task.getEvent(), TaskStatusType.CANCELLED,
                now).setMessage("cancelled; the attempt ended " + status.getStatus()).build(), now.toEpochMilli()));
            return;
        }
        boolean orphaned = error != null && AGENT_DEAD_ERROR.equals(error.getType());
        retryOrDeadLetter(task, error, orphaned ? EmitReason.AGENT_DEAD : EmitReason.RETRY, orphaned, now);
    }

    /** Counts a failed attempt, then retries (now or after the back-off) or dead-letters the task. */
    private void retryOrDeadLetter(SupervisedTask task, TaskError error, EmitReason reason, boolean immediately,
                                   Instant now) {
        task.setFailures(task.getFailures() + 1);
        if (task.getEvent() == null) {
            deadLetter(task, DeadLetterReason.UNKNOWN, "The supervisor never saw this task's event, so it cannot"
                + " run it again", now);
            return;
        }
        RetryPolicy policy = task.getEvent().getRetryPolicy();
        boolean retryable = error == null || (error.getRetryable()
            && !policy.getNonRetryableErrorTypes().contains(error.getType()));
        if (!retryable) {
            deadLetter(task, DeadLetterReason.NON_RETRYABLE_FAILURE, "Attempt " + task.getAttempt()
                + " failed with a non-retryable error: " + describe(error), now);
        } else if (task.getFailures() >= policy.getMaxAttempts()) {
            deadLetter(task, DeadLetterReason.RETRIES_EXHAUSTED, "All " + policy.getMaxAttempts()
                + " attempts failed; the last: " + describe(error), now);
        } else if (immediately) {
            emitNext(task, reason, now);
        } else {
            Instant at = Times.plus(now, backoff.delay(policy, task.getFailures()));
            task.setState(SupervisedTaskState.RETRY_WAIT);
            task.setRetryAt(at);
            timers.put(timerKey(at, task.getTaskId(), RETRY), task.getAttempt());
        }
    }

    private static String describe(TaskError error) {
        return error == null ? "(no error given)" : error.getType() + ": " + error.getMessage();
    }

    private void emitNext(SupervisedTask task, EmitReason reason, Instant now) {
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
        context.forward(new Record<>(task.getTaskId(), next, now.toEpochMilli()));
    }

    private void deadLetter(SupervisedTask task, DeadLetterReason reason, String message, Instant now) {
        task.setState(SupervisedTaskState.DEAD_LETTERED);
        metrics.deadLettered();
        LOG.warn("Task {} dead-lettered: {}", task.getTaskId(), message);
        TaskEvent event = task.getEvent();
        context.forward(new Record<>(task.getTaskId(), DeadLetter.newBuilder().setReason(reason).setMessage(message)
            .setSourceTopic(event == null ? "" : topics.tasks(event.getQueue())).setTaskId(task.getTaskId())
            .setTask(event) // what a replay submits again
            .setAttempts(new ArrayList<>(task.getAttempts())).setProducedBy(PRODUCED_BY).setTimestamp(now).build(),
            now.toEpochMilli()));
        TaskStatus.Builder status = event != null ? Statuses.of(event, TaskStatusType.DEAD_LETTERED, now)
            : TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAttempt(task.getAttempt())
                .setStatus(TaskStatusType.DEAD_LETTERED).setTimestamp(now);
        context.forward(new Record<>(task.getTaskId(), status.setMessage(message).setError(task.getLastError())
            .build(), now.toEpochMilli()));
    }

    private void stale(SupervisedTask task, TaskStatus status, Instant now) {
        if (status.getStatus() == TaskStatusType.PROGRESS || status.getAgentId() == null) {
            return;
        }
        metrics.stale();
        LOG.info("Task {}: {} of attempt {} is stale (current attempt {}, state {})", task.getTaskId(),
            status.getStatus(), status.getAttempt(), task.getAttempt(), task.getState());
        task.setStaleResults(task.getStaleResults() + 1);
        List<AttemptRecord> attempts = new ArrayList<>(task.getAttempts());
        attempts.add(AttemptRecord.newBuilder().setAttempt(status.getAttempt()).setAgentId(status.getAgentId())
            .setEndedAt(status.getTimestamp()).setOutcome(TaskStatusType.STALE).setError(status.getError()).build());
        task.setAttempts(attempts);
        save(task, now);
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

    /** Fires every due timer whose task is still where the timer expects it. */
    void fireTimers(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, Integer>> due = new ArrayList<>();
        try (KeyValueIterator<String, Integer> it = timers.range(timerKey(Instant.EPOCH, "", ""),
                String.format("%013d}", wallClockMs))) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, Integer> timer : due) {
            timers.delete(timer.key);
            String[] parts = timer.key.split("\\|", 3);
            SupervisedTask task = load(parts[1]);
            if (task != null && task.getAttempt() == timer.value) {
                fire(task, parts[2], now);
            }
        }
    }

    private void fire(SupervisedTask task, String kind, Instant now) {
        if (RETRY.equals(kind) && task.getState() == SupervisedTaskState.RETRY_WAIT) {
            emitNext(task, EmitReason.RETRY, now);
            save(task, now);
        } else if (DEADLINE.equals(kind) && task.getState() == SupervisedTaskState.RUNNING) {
            String message = "Attempt " + task.getAttempt() + " ran past its deadline " + task.getDeadline()
                + " on agent " + task.getAgentId();
            cancelOnAgent(task, task.getAgentId(), task.getIncarnation(), message, now);
            TaskError error = TaskError.newBuilder().setType("deadline").setMessage(message).setRetryable(true)
                .build();
            TaskStatus timedOut = Statuses.of(task.getEvent(), TaskStatusType.TIMED_OUT, now).setError(error)
                .setMessage(message).build();
            record(task, timedOut, now);
            task.setLastError(error);
            retryOrDeadLetter(task, error, EmitReason.DEADLINE_EXCEEDED, false, now);
            save(task, now);
        }
    }

    static String timerKey(Instant due, String taskId, String kind) {
        return String.format("%013d|%s|%s", Times.clamp(due).toEpochMilli(), taskId, kind);
    }

    private void save(SupervisedTask task, Instant now) {
        task.setUpdatedAt(now);
        tasks.put(task.getTaskId(), task);
        if (loadedState != task.getState()) {
            if (loadedState != null) {
                counts.merge(loadedState, -1L, Long::sum);
            }
            if (ENDED.contains(task.getState()) && !ENDED.contains(loadedState)) {
                metrics.ended(task.getState());
            }
            counts.merge(task.getState(), 1L, Long::sum);
            loadedState = task.getState();
        }
    }
}
