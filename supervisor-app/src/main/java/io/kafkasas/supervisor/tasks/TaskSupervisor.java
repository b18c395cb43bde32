package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.supervisor.SupervisorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task state machine as a processor: one record per task (store {@code supervisor-tasks}) fed by task events,
 * statuses and the verdicts on agents ({@link AgentDeath}, which reach every partition). The decisions are
 * {@link TaskMachine}'s; this class loads and saves the task, sends what was decided, and keeps two in-memory
 * indexes that the store already implies: the timers ({@link TaskTimers}, checked by a wall-clock punctuator) and
 * the running attempts by agent ({@link RunningAttempts}). Each agent's latest verdict is remembered (store
 * {@code supervisor-dead-agents}), so a STARTED of an incarnation it covers that arrives later is orphaned at once.
 */
public final class TaskSupervisor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Duration COUNT_INTERVAL = Duration.ofSeconds(5);

    private final String tasksStore;
    private final String deadAgentsStore;
    private final Duration checkInterval;
    private final TaskMachine machine;
    private final SupervisorMetrics metrics;
    private TaskTimers timers;
    private RunningAttempts running;
    /** Tasks by state in this partition's store, for the metrics. */
    private final Map<SupervisedTaskState, Long> counts = new EnumMap<>(SupervisedTaskState.class);
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, SupervisedTask> tasks;
    private KeyValueStore<String, AgentDeath> deadAgents;
    /** The store's verdicts in memory (one per agent): every STARTED asks it, and the store is small. */
    private final Map<String, AgentDeath> dead = new HashMap<>();
    /** The state of the task last loaded, as it was in the store. */
    private SupervisedTaskState loadedState;

    public TaskSupervisor(String tasksStore, String deadAgentsStore, Duration checkInterval, TaskMachine machine,
                          SupervisorMetrics metrics) {
        this.tasksStore = tasksStore;
        this.deadAgentsStore = deadAgentsStore;
        this.checkInterval = checkInterval;
        this.machine = machine;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.tasks = context.getStateStore(tasksStore);
        this.deadAgents = context.getStateStore(deadAgentsStore);
        // one pass over the restored store builds what the records imply: counts, timers, running attempts; anew,
        // since Streams initialises a processor again when it restores its task (e.g. after an aborted transaction)
        this.timers = new TaskTimers();
        this.running = new RunningAttempts();
        counts.clear();
        dead.clear();
        try (KeyValueIterator<String, AgentDeath> all = deadAgents.all()) {
            all.forEachRemaining(kv -> dead.put(kv.key, kv.value));
        }
        try (KeyValueIterator<String, SupervisedTask> all = tasks.all()) {
            all.forEachRemaining(kv -> {
                counts.merge(kv.value.getState(), 1L, Long::sum);
                timers.set(kv.key, machine.timerOf(kv.value));
                running.update(kv.value);
            });
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::fireTimers);
        context.schedule(COUNT_INTERVAL, PunctuationType.WALL_CLOCK_TIME, t -> metrics.tasksByState(this, counts));
    }

    @Override
    public void close() {
        metrics.tasksByState(this, null);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        if (record.value() instanceof TaskEvent event) {
            apply(machine.onEvent(load(event.getTaskId()), event, now), now);
        } else if (record.value() instanceof TaskStatus status) {
            SupervisedTask task = apply(machine.onStatus(load(status.getTaskId()), status, now), now);
            AgentDeath death = task == null || task.getState() != SupervisedTaskState.RUNNING
                || task.getAgentId() == null ? null : dead.get(task.getAgentId());
            if (death != null) {
                // started by an incarnation already declared dead (or replaced): orphaned at once
                apply(machine.onAgentGone(task, death, now), now);
            }
        } else if (record.value() instanceof AgentDeath death) {
            onDeath(death, now);
        }
    }

    private void onDeath(AgentDeath death, Instant now) {
        AgentDeath known = dead.get(death.getAgentId());
        if (known == null || known.getIncarnation() < death.getIncarnation()) {
            deadAgents.put(death.getAgentId(), death);
            dead.put(death.getAgentId(), death);
        }
        for (String taskId : running.on(death.getAgentId(), death.getIncarnation())) {
            apply(machine.onAgentGone(load(taskId), death, now), now);
        }
    }

    /** Fires every due timer; a task that has moved on since has a timer of its own or none. */
    void fireTimers(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        for (String taskId : timers.takeDue(now)) {
            SupervisedTask task = load(taskId);
            if (task != null) {
                apply(machine.onTimer(task, now), now);
            }
        }
    }

    /** The task from the store; its state is remembered, so that {@link #save} can move it between counts. */
    private SupervisedTask load(String taskId) {
        SupervisedTask task = tasks.get(taskId);
        loadedState = task == null ? null : task.getState();
        return task;
    }

    /** Sends what was decided and saves the task; returns the task as saved, or null if it did not change. */
    private SupervisedTask apply(TaskMachine.Decision decision, Instant now) {
        for (Outputs.Output out : decision.outputs()) {
            context.forward(new Record<>(out.key(), out.value(), now.toEpochMilli()));
        }
        SupervisedTask task = decision.task();
        if (task != null) {
            save(task, now);
        }
        return task;
    }

    private void save(SupervisedTask task, Instant now) {
        task.setUpdatedAt(now);
        tasks.put(task.getTaskId(), task);
        timers.set(task.getTaskId(), machine.timerOf(task));
        running.update(task);
        if (loadedState != task.getState()) {
            if (loadedState != null) {
                counts.merge(loadedState, -1L, Long::sum);
            }
            if (Statuses.ENDED.contains(task.getState()) && !Statuses.ENDED.contains(loadedState)) {
                metrics.ended(task.getState());
            }
            counts.merge(task.getState(), 1L, Long::sum);
            loadedState = task.getState();
        }
    }
}
