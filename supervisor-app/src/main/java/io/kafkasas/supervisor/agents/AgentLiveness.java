package io.kafkasas.supervisor.agents;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.InFlightTask;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.supervisor.SupervisorMetrics;
import io.kafkasas.supervisor.tasks.TaskSupervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * Agent liveness, one record per agent (store {@code supervisor-agents}), fed by heartbeats and by the agents'
 * statuses re-keyed by agent id. ALIVE → SUSPECT → DEAD by silence on the supervisor's wall clock (so an agent's
 * clock skew does not matter). What an agent runs is known from its STARTED and outcome statuses, so a task that
 * started after its last heartbeat is covered too. A status is a sign of life like a heartbeat, and the allowed
 * silence grows by how late its input reaches the supervisor ({@link #inputDelay}), so a supervisor that falls
 * behind its input does not declare live agents dead. Before a verdict it also asks {@link HeardFrom}: heartbeats
 * read on a thread of their own, which a burst of statuses on the stream thread does not hold back.
 *
 * <p>On DEAD: a FAILED status ({@code agent.dead}, retryable) for every attempt the agent still ran, which the
 * task state machine re-emits at once, and a RESTART command for that incarnation. A heartbeat (or status) of a
 * newer incarnation makes the agent ALIVE again; the dead incarnation's heartbeats are ignored. If the newer
 * incarnation comes before the old one was declared dead (a host restarted it within the timeout), the old
 * incarnation's attempts are orphaned at once, without a RESTART.
 */
public final class AgentLiveness implements Processor<String, SpecificRecord, String, SpecificRecord> {

    static final String PRODUCED_BY = "supervisor";
    private static final Logger LOG = LoggerFactory.getLogger(AgentLiveness.class);

    private final String agentsStore;
    private final Duration checkInterval;
    private final Duration suspectAfter;
    private final Duration timeout;
    private final SupervisorMetrics metrics;
    private final HeardFrom heardFrom;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, SupervisedAgent> agents;
    private Instant startedAt;
    private long inputDelayMs;
    private boolean delayed;
    /** Every agent in this partition's store, by id: what the check needs, without decoding the store. */
    private final Map<String, Watch> watched = new HashMap<>();

    public AgentLiveness(String agentsStore, Duration checkInterval, Duration suspectAfter, Duration timeout,
                         SupervisorMetrics metrics, HeardFrom heardFrom) {
        this.agentsStore = agentsStore;
        this.checkInterval = checkInterval;
        this.suspectAfter = suspectAfter;
        this.timeout = timeout;
        this.metrics = metrics;
        this.heardFrom = heardFrom;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.agents = context.getStateStore(agentsStore);
        // after a restart or a fail-over the store's last heartbeats are old and the heartbeats that arrived in the
        // meantime are still in the backlog: silence counts from now at the earliest, so no live agent is declared
        // dead for the supervisor's own gap
        this.startedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
        try (KeyValueIterator<String, SupervisedAgent> all = agents.all()) { // restored by now
            all.forEachRemaining(kv -> watched.put(kv.key, Watch.of(kv.value)));
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        // every input counts, not only heartbeats: Streams reads a task's inputs in timestamp order, so heartbeats
        // wait behind a burst of statuses, and the statuses' lateness is what tells that they are waiting
        inputDelayMs = Math.max(0, now.toEpochMilli() - record.timestamp());
        if (record.value() instanceof AgentHeartbeat heartbeat) {
            onHeartbeat(heartbeat, now);
        } else if (record.value() instanceof TaskStatus status && status.getAgentId() != null) {
            onStatus(status, now);
        }
    }

    private void onHeartbeat(AgentHeartbeat heartbeat, Instant now) {
        SupervisedAgent agent = agents.get(heartbeat.getAgentId());
        if (agent != null && heartbeat.getIncarnation() < agent.getIncarnation()) {
            return; // a former incarnation
        }
        if (agent != null && heartbeat.getIncarnation() == agent.getIncarnation()
            && agent.getLiveness() == Liveness.DEAD) {
            return; // declared dead: only a new incarnation comes back
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
        save(agent);
    }

    private void onStatus(TaskStatus status, Instant now) {
        SupervisedAgent agent = agents.get(status.getAgentId());
        if (agent == null) {
            long incarnation = status.getIncarnation() == null ? 0 : status.getIncarnation();
            agent = SupervisedAgent.newBuilder().setAgentId(status.getAgentId()).setIncarnation(incarnation)
                .setLiveness(Liveness.ALIVE).setLastHeartbeatAt(now).build();
        }
        long incarnation = status.getIncarnation() == null ? agent.getIncarnation() : status.getIncarnation();
        if (incarnation > agent.getIncarnation()) { // a newer incarnation's status came before its first heartbeat
            agent = replaced(agent, incarnation, now);
            agent.setLastHeartbeatAt(now);
        }
        if (incarnation == agent.getIncarnation() && agent.getLiveness() != Liveness.DEAD) {
            // a status is a sign of life too: a busy agent is not judged by heartbeats stuck behind a backlog
            agent.setLiveness(Liveness.ALIVE);
            agent.setLastHeartbeatAt(now);
        }
        List<InFlightTask> inFlight = new ArrayList<>(agent.getInFlight());
        inFlight.removeIf(t -> t.getTaskId().equals(status.getTaskId()) && t.getAttempt() == status.getAttempt());
        if (status.getStatus() == TaskStatusType.STARTED) {
            boolean gone = incarnation < agent.getIncarnation() || agent.getLiveness() == Liveness.DEAD;
            if (gone) {
                // started by an incarnation declared dead or already replaced: orphaned at once
                orphan(agent, List.of(InFlightTask.newBuilder().setTaskId(status.getTaskId())
                    .setAttempt(status.getAttempt()).setStartedAt(status.getTimestamp()).build()), now,
                    "was declared dead or replaced");
            } else {
                inFlight.add(InFlightTask.newBuilder().setTaskId(status.getTaskId()).setAttempt(status.getAttempt())
                    .setStartedAt(status.getTimestamp()).build());
            }
        }
        agent.setInFlight(inFlight);
        save(agent);
    }

    /**
     * A newer incarnation of the agent speaks before the old one was declared dead (its host restarted it within
     * the heartbeat timeout): the old process is gone, so its attempts are orphaned now. No RESTART: it has been.
     */
    private SupervisedAgent replaced(SupervisedAgent old, long incarnation, Instant now) {
        boolean wasDead = old.getLiveness() == Liveness.DEAD;
        if (!wasDead && !old.getInFlight().isEmpty()) {
            LOG.warn("Agent {} restarted (incarnation {} -> {}) before it was declared dead: re-emitting {} task(s)"
                + " of the former incarnation", old.getAgentId(), old.getIncarnation(), incarnation,
                old.getInFlight().size());
            orphan(old, old.getInFlight(), now, "was restarted");
        }
        LOG.info("Agent {} is alive (incarnation {})", old.getAgentId(), incarnation);
        return SupervisedAgent.newBuilder().setAgentId(old.getAgentId()).setHostId(old.getHostId())
            .setIncarnation(incarnation).setLiveness(Liveness.ALIVE)
            .setRestarts(old.getRestarts() + (wasDead ? 0 : 1)).build();
    }

    /**
     * Moves agents along ALIVE → SUSPECT → DEAD by how long they have been silent. It walks the in-memory index, not
     * the store: decoding every agent's record (with its in-flight list) four times a second took a sixth of the
     * stream thread's time at 1,000 agents. An agent is read from the store only when its liveness changes.
     */
    void check(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        Duration delay = inputDelay();
        Map<Liveness, Long> counts = new EnumMap<>(Liveness.class);
        for (Map.Entry<String, Watch> entry : List.copyOf(watched.entrySet())) {
            Watch watch = entry.getValue();
            counts.merge(watch.liveness(), 1L, Long::sum);
            if (watch.liveness() == Liveness.DEAD || watch.lastHeartbeatAt() == null) {
                continue;
            }
            OptionalLong newer = heardFrom.newestIncarnation(entry.getKey());
            if (newer.isPresent() && newer.getAsLong() > watch.incarnation()) {
                // a new process of the agent speaks, so the old one has ended, however far behind this task reads:
                // its attempts are orphaned now, and those it started that this task has yet to read on arrival
                SupervisedAgent replacement = replaced(agents.get(entry.getKey()), newer.getAsLong(), now);
                replacement.setLastHeartbeatAt(now);
                save(replacement);
                continue;
            }
            Instant lastSeen = latest(latest(watch.lastHeartbeatAt(), startedAt),
                heardFrom.lastHeard(entry.getKey(), watch.incarnation()));
            Duration silence = Duration.between(lastSeen, now);
            if (silence.compareTo(timeout.plus(delay)) >= 0) {
                declareDead(agents.get(entry.getKey()), silence, now);
            } else if (silence.compareTo(suspectAfter.plus(delay)) >= 0 && watch.liveness() == Liveness.ALIVE) {
                SupervisedAgent agent = agents.get(entry.getKey());
                agent.setLiveness(Liveness.SUSPECT);
                save(agent);
            }
        }
        metrics.agentsByState(this, counts);
    }

    private static Instant latest(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }

    /** What {@link #check} needs of an agent, kept in step with the store by {@link #save}. */
    private record Watch(Liveness liveness, long incarnation, Instant lastHeartbeatAt) {
        static Watch of(SupervisedAgent agent) {
            return new Watch(agent.getLiveness(), agent.getIncarnation(), agent.getLastHeartbeatAt());
        }
    }

    private void save(SupervisedAgent agent) {
        agents.put(agent.getAgentId(), agent);
        watched.put(agent.getAgentId(), Watch.of(agent));
    }

    /**
     * How late input reaches this task: the gap between the last record's writing and its reading. A loaded
     * supervisor reads everything late, and a gap in its reading is no silence of the agents': it allows that much
     * more before it declares an agent dead. When it keeps up the delay is milliseconds and the bound holds.
     */
    private Duration inputDelay() {
        boolean late = inputDelayMs > suspectAfter.toMillis();
        if (late != delayed) {
            delayed = late;
            if (late) {
                LOG.warn("Input reaches supervisor task {} {} ms after it was written: allowing that much more"
                    + " silence before declaring an agent dead", context.taskId(), inputDelayMs);
            } else {
                LOG.info("Input reaches supervisor task {} on time again", context.taskId());
            }
        }
        return Duration.ofMillis(inputDelayMs);
    }

    @Override
    public void close() {
        metrics.agentsByState(this, null);
    }

    private void declareDead(SupervisedAgent agent, Duration silence, Instant now) {
        LOG.warn("Agent {} (incarnation {}) silent for {} ms: declared dead; re-emitting {} task(s) and sending"
            + " RESTART", agent.getAgentId(), agent.getIncarnation(), silence.toMillis(), agent.getInFlight().size());
        metrics.agentDead(silence);
        orphan(agent, agent.getInFlight(), now, "stopped sending heartbeats");
        context.forward(new Record<>(agent.getAgentId(), AgentCommand.newBuilder()
            .setCommandId(UUID.randomUUID().toString()).setAgentId(agent.getAgentId())
            .setType(AgentCommandType.RESTART).setTargetIncarnation(agent.getIncarnation())
            .setReason("no heartbeat for " + silence.toMillis() + " ms").setIssuedAt(now).setIssuedBy(PRODUCED_BY)
            .build(), now.toEpochMilli()));
        agent.setLiveness(Liveness.DEAD);
        agent.setDeadAt(now);
        agent.setRestarts(agent.getRestarts() + 1);
        agent.setInFlight(new ArrayList<>());
        save(agent);
    }

    /** A FAILED status (agent.dead) per attempt, keyed by task id, for the task state machine. */
    private void orphan(SupervisedAgent agent, List<InFlightTask> attempts, Instant now, String why) {
        for (InFlightTask task : attempts) {
            TaskError error = TaskError.newBuilder().setType(TaskSupervisor.AGENT_DEAD_ERROR).setRetryable(true)
                .setMessage("Agent " + agent.getAgentId() + " (incarnation " + agent.getIncarnation() + ") " + why
                    + " while running this attempt").build();
            context.forward(new Record<>(task.getTaskId(), TaskStatus.newBuilder().setTaskId(task.getTaskId())
                .setAttempt(task.getAttempt()).setStatus(TaskStatusType.FAILED).setTimestamp(now).setError(error)
                .setMessage(error.getMessage()).build(), now.toEpochMilli()));
        }
    }
}
