package io.kafkasas.supervisor;

import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.SupervisedTaskState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the supervisor counts: decisions, stale results, dead letters, dead agents and how fast it saw them. */
public final class SupervisorMetrics {

    private final MeterRegistry registry;
    private final Counter stale;
    private final Counter deadLettered;
    private final Counter agentsDead;
    private final Timer detectionDelay;
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
        registry.counter("sas.supervisor.reemitted", "reason", reason.name()).increment();
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
