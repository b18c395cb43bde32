package io.kafkasas.supervisor.agents;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeathCause;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.schemas.Wire;
import io.kafkasas.supervisor.SupervisorMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent liveness, one record per agent (store {@code supervisor-agents}), fed by heartbeats alone: ALIVE → SUSPECT →
 * DEAD by silence on the supervisor's wall clock (so an agent's clock skew does not matter). It runs in a Kafka
 * Streams application of its own, whose only input is heartbeats, so no backlog of task work delays a verdict.
 *
 * <p>A verdict is an {@link AgentDeath} (the task state machine orphans the incarnation's attempts) and, for a
 * silent agent, a RESTART command for that incarnation. A heartbeat of a newer incarnation makes the agent ALIVE
 * again; if the old incarnation had not been declared dead (its host restarted it within the timeout), its death is
 * announced then ({@code REPLACED}, no RESTART: it has been). The dead incarnation's heartbeats are ignored.
 */
public final class AgentLiveness implements Processor<String, AgentHeartbeat, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLiveness.class);

    private final String agentsStore;
    private final Duration checkInterval;
    private final Duration suspectAfter;
    private final Duration timeout;
    private final SupervisorMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, SupervisedAgent> agents;
    private Instant startedAt;
    /** Every agent in this partition's store, by id: what the check needs, without decoding the store. */
    private final Map<String, Watch> watched = new HashMap<>();

    public AgentLiveness(String agentsStore, Duration checkInterval, Duration suspectAfter, Duration timeout,
                         SupervisorMetrics metrics) {
        this.agentsStore = agentsStore;
        this.checkInterval = checkInterval;
        this.suspectAfter = suspectAfter;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.agents = context.getStateStore(agentsStore);
        // after a restart or a fail-over the store's last heartbeats are old and the heartbeats that arrived in the
        // meantime are still to be read: silence counts from now at the earliest, so no live agent is declared
        // dead for the supervisor's own gap
        this.startedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
        watched.clear(); // Streams initialises a processor again when it restores its task
        try (KeyValueIterator<String, SupervisedAgent> all = agents.all()) { // restored by now
            all.forEachRemaining(kv -> watched.put(kv.key, Watch.of(kv.value)));
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    @Override
    public void process(Record<String, AgentHeartbeat> record) {
        AgentHeartbeat heartbeat = record.value();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        SupervisedAgent agent = agents.get(heartbeat.getAgentId());
        if (agent != null && (heartbeat.getIncarnation() < agent.getIncarnation()
            || (heartbeat.getIncarnation() == agent.getIncarnation() && agent.getLiveness() == Liveness.DEAD))) {
            return; // a former incarnation, or one declared dead: only a new incarnation comes back
        }
        if (agent == null) {
            agent = SupervisedAgent.newBuilder().setAgentId(heartbeat.getAgentId())
                .setIncarnation(heartbeat.getIncarnation()).setLiveness(Liveness.ALIVE).build();
            LOG.info("Agent {} is alive (incarnation {})", heartbeat.getAgentId(), heartbeat.getIncarnation());
        } else if (heartbeat.getIncarnation() > agent.getIncarnation()) {
            agent = replaced(agent, heartbeat.getIncarnation(), now);
        }
        agent.setHostId(heartbeat.getHostId());
        agent.setLiveness(Liveness.ALIVE);
        agent.setLastHeartbeatAt(now);
        agent.setCapacity(heartbeat.getCapacity());
        agent.setFreeSlots(heartbeat.getFreeSlots());
        agent.setActivity(heartbeat.getState());
        agent.setInFlight(new ArrayList<>(heartbeat.getInFlight()));
        save(agent);
    }

    /**
     * A newer incarnation of the agent speaks before the old one was declared dead (its host restarted it within
     * the heartbeat timeout): the old process is gone, so its death is announced now. No RESTART: it has been.
     */
    private SupervisedAgent replaced(SupervisedAgent old, long incarnation, Instant now) {
        boolean wasDead = old.getLiveness() == Liveness.DEAD;
        if (!wasDead) {
            LOG.warn("Agent {} restarted (incarnation {} -> {}) before it was declared dead: its former attempts are"
                + " re-emitted", old.getAgentId(), old.getIncarnation(), incarnation);
            announce(old, DeathCause.REPLACED, now);
        }
        LOG.info("Agent {} is alive (incarnation {})", old.getAgentId(), incarnation);
        return SupervisedAgent.newBuilder().setAgentId(old.getAgentId()).setHostId(old.getHostId())
            .setIncarnation(incarnation).setLiveness(Liveness.ALIVE)
            .setRestarts(old.getRestarts() + (wasDead ? 0 : 1)).build();
    }

    /** Moves agents along ALIVE → SUSPECT → DEAD by how long they have been silent. */
    void check(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        Map<Liveness, Long> counts = new EnumMap<>(Liveness.class);
        for (Map.Entry<String, Watch> entry : List.copyOf(watched.entrySet())) {
            Watch watch = entry.getValue();
            counts.merge(watch.liveness(), 1L, Long::sum);
            Liveness verdict = judge(watch, startedAt, now, suspectAfter, timeout);
            if (verdict == Liveness.DEAD && watch.liveness() != Liveness.DEAD) {
                declareDead(agents.get(entry.getKey()), now);
            } else if (verdict == Liveness.SUSPECT && watch.liveness() == Liveness.ALIVE) {
                SupervisedAgent agent = agents.get(entry.getKey());
                agent.setLiveness(Liveness.SUSPECT);
                save(agent);
            }
        }
        metrics.agentsByState(this, counts);
    }

    /**
     * The liveness an agent has earned at {@code now}: silence is counted from its last heartbeat, and not before
     * this task began to watch ({@code watchingSince}).
     */
    static Liveness judge(Watch watch, Instant watchingSince, Instant now, Duration suspectAfter, Duration timeout) {
        if (watch.liveness() == Liveness.DEAD || watch.lastHeartbeatAt() == null) {
            return watch.liveness();
        }
        Instant lastSeen = watch.lastHeartbeatAt().isAfter(watchingSince) ? watch.lastHeartbeatAt() : watchingSince;
        Duration silence = Duration.between(lastSeen, now);
        if (silence.compareTo(timeout) >= 0) {
            return Liveness.DEAD;
        }
        return silence.compareTo(suspectAfter) >= 0 ? Liveness.SUSPECT : Liveness.ALIVE;
    }

    /** What {@link #check} needs of an agent, kept in step with the store by {@link #save}. */
    record Watch(Liveness liveness, long incarnation, Instant lastHeartbeatAt) {
        static Watch of(SupervisedAgent agent) {
            return new Watch(agent.getLiveness(), agent.getIncarnation(), agent.getLastHeartbeatAt());
        }
    }

    private void save(SupervisedAgent agent) {
        agents.put(agent.getAgentId(), agent);
        watched.put(agent.getAgentId(), Watch.of(agent));
    }

    @Override
    public void close() {
        metrics.agentsByState(this, null);
    }

    private void declareDead(SupervisedAgent agent, Instant now) {
        Duration silence = Duration.between(agent.getLastHeartbeatAt(), now);
        LOG.warn("Agent {} (incarnation {}) silent for {} ms: declared dead; its attempts are re-emitted and it is"
            + " told to RESTART", agent.getAgentId(), agent.getIncarnation(), silence.toMillis());
        metrics.agentDead(silence);
        announce(agent, DeathCause.SILENT, now);
        context.forward(new Record<>(agent.getAgentId(), AgentCommand.newBuilder()
            .setCommandId(UUID.randomUUID().toString()).setAgentId(agent.getAgentId())
            .setType(AgentCommandType.RESTART).setTargetIncarnation(agent.getIncarnation())
            .setReason("no heartbeat for " + silence.toMillis() + " ms").setIssuedAt(now)
            .setIssuedBy(Wire.PRODUCED_BY_SUPERVISOR).build(), now.toEpochMilli()));
        agent.setLiveness(Liveness.DEAD);
        agent.setDeadAt(now);
        agent.setRestarts(agent.getRestarts() + 1);
        agent.setInFlight(new ArrayList<>());
        agent.setFreeSlots(0);
        save(agent);
    }

    /** The verdict on one incarnation, for every partition of the task state machine. */
    private void announce(SupervisedAgent agent, DeathCause cause, Instant now) {
        context.forward(new Record<>(agent.getAgentId(), AgentDeath.newBuilder().setAgentId(agent.getAgentId())
            .setHostId(agent.getHostId()).setIncarnation(agent.getIncarnation()).setCause(cause)
            .setLastHeardAt(agent.getLastHeartbeatAt()).setDeclaredAt(now).build(), now.toEpochMilli()));
    }
}
