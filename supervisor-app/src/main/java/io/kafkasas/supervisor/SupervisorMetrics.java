package io.kafkasas.supervisor;

import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.schemas.Statuses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the supervisor counts: tasks ended by state and how long they took, decisions, stale results, dead letters,
 * dead agents and how fast it saw them. Every meter exists from the start (at zero), so that dashboards and alert
 * rules find them before the first event. Counts are not transactional: a batch processed again after a crash
 * is counted again.
 */
public final class SupervisorMetrics {

    private final MeterRegistry registry;
    private final Counter stale;
    private final Counter deadLettered;
    private final Counter agentsDead;
    private final Timer detectionDelay;
    private final Timer untilStarted;
    private final Timer untilSucceeded;
    private final Map<SupervisedTaskState, Counter> ended = new EnumMap<>(SupervisedTaskState.class);
    /** Counts per processor instance (one per partition), summed by the gauges. */
    private final Map<Object, Map<SupervisedTaskState, Long>> tasksByState = new ConcurrentHashMap<>();
    private final Map<Object, Map<Liveness, Long>> agentsByState = new ConcurrentHashMap<>();

    public SupervisorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stale = Counter.builder("sas.supervisor.stale.results")
            .description("Statuses from an attempt already replaced; recorded, never the outcome").register(registry);
        this.deadLettered = Counter.builder("sas.supervisor.dead.lettered")
            .description("Tasks ended in the dead-letter topic").register(registry);
        this.agentsDead = Counter.builder("sas.supervisor.agents.declared.dead")
            .description("Agents declared dead after the heartbeat timeout").register(registry);
        this.detectionDelay = Timer.builder("sas.supervisor.detection.delay")
            .description("From an agent's last heartbeat to its declaration as dead").publishPercentileHistogram()
            .register(registry);
        this.untilStarted = Timer.builder("sas.supervisor.task.started.after")
            .description("From a task's submission to an attempt's STARTED (the statuses' clocks)")
            .publishPercentileHistogram().register(registry);
        this.untilSucceeded = Timer.builder("sas.supervisor.task.succeeded.after")
            .description("From a task's submission to its SUCCEEDED (the statuses' clocks)")
            .publishPercentileHistogram().register(registry);
        for (EmitReason reason : EmitReason.values()) {
            reemittedCounter(reason);
        }
        for (SupervisedTaskState state : Statuses.ENDED) {
            ended.put(state, Counter.builder("sas.supervisor.tasks.ended").tag("state", state.name())
                .description("Tasks that reached an end state").register(registry));
        }
        for (SupervisedTaskState state : SupervisedTaskState.values()) {
            Gauge.builder("sas.supervisor.tasks", tasksByState, m -> sum(m, state)).tag("state", state.name())
                .description("Tasks by state, as of the last count (every few seconds)").register(registry);
        }
        for (Liveness liveness : Liveness.values()) {
            Gauge.builder("sas.supervisor.agents", agentsByState, m -> sum(m, liveness))
                .tag("state", liveness.name()).description("Agents by liveness").register(registry);
        }
    }

    private static <S> double sum(Map<Object, Map<S, Long>> counts, S state) {
        return counts.values().stream().mapToLong(c -> c.getOrDefault(state, 0L)).sum();
    }

    /**
     * This instance's counts, for the query API: {@code tasks} by state and {@code agents} by liveness, every state
     * named (at zero if none).
     */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Long> tasks = new LinkedHashMap<>();
        for (SupervisedTaskState state : SupervisedTaskState.values()) {
            tasks.put(state.name(), (long) sum(tasksByState, state));
        }
        Map<String, Long> agents = new LinkedHashMap<>();
        for (Liveness liveness : Liveness.values()) {
            agents.put(liveness.name(), (long) sum(agentsByState, liveness));
        }
        return Map.of("tasks", tasks, "agents", agents);
    }

    /** The task counts of one processor instance; null when it closes. */
    public void tasksByState(Object owner, Map<SupervisedTaskState, Long> counts) {
        update(tasksByState, owner, counts);
    }

    /** The agent counts of one processor instance; null when it closes. */
    public void agentsByState(Object owner, Map<Liveness, Long> counts) {
        update(agentsByState, owner, counts);
    }

    private static <S> void update(Map<Object, Map<S, Long>> all, Object owner, Map<S, Long> counts) {
        if (counts == null) {
            all.remove(owner);
        } else {
            all.put(owner, Map.copyOf(counts));
        }
    }

    /** An attempt emitted by the supervisor, by reason (RETRY, AGENT_DEAD, RELEASED, ...). */
    public void reemitted(EmitReason reason) {
        reemittedCounter(reason).increment();
    }

    private Counter reemittedCounter(EmitReason reason) {
        return Counter.builder("sas.supervisor.reemitted").tag("reason", reason.name())
            .description("Attempts emitted by the supervisor, by reason").register(registry);
    }

    /** A task reached end state {@code state}. */
    public void ended(SupervisedTaskState state) {
        ended.get(state).increment();
    }

    /** An attempt started {@code sinceSubmission} after its task was submitted. */
    public void started(Duration sinceSubmission) {
        untilStarted.record(sinceSubmission);
    }

    /** A task succeeded {@code sinceSubmission} after it was submitted. */
    public void succeeded(Duration sinceSubmission) {
        untilSucceeded.record(sinceSubmission);
    }

    public void stale() {
        stale.increment();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    public void agentDead(Duration silence) {
        agentsDead.increment();
        detectionDelay.record(silence);
    }
}
