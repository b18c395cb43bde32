package io.kafkasas.supervisor;

import io.kafkasas.avro.EmitReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** What the supervisor counts: decisions, stale results, dead letters, dead agents and how fast it saw them. */
public final class SupervisorMetrics {

    private final MeterRegistry registry;
    private final Counter stale;
    private final Counter deadLettered;
    private final Counter agentsDead;
    private final Timer detectionDelay;

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
