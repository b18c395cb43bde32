package io.kafkasas.agent.run;

import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.AgentState;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes a heartbeat every interval from its own thread: a slow or stuck handler cannot delay it, so silence
 * means the process (not a task) is dead or hung.
 */
public final class Heartbeats implements AutoCloseable {

    private static final String VERSION = Heartbeats.class.getPackage().getImplementationVersion();

    private final Reporter reporter;
    private final Runner runner;
    private final String heartbeatTopic;
    private final Supplier<AgentState> state;
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeats");
        t.setDaemon(true);
        return t;
    });

    public Heartbeats(Reporter reporter, Runner runner, String heartbeatTopic, Supplier<AgentState> state) {
        this.reporter = reporter;
        this.runner = runner;
        this.heartbeatTopic = heartbeatTopic;
        this.state = state;
    }

    public void start(Duration interval) {
        thread.scheduleAtFixedRate(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes one heartbeat now (also the last one, on the way out). */
    public void beat() {
        AgentIdentity id = reporter.identity();
        AgentHeartbeat heartbeat = AgentHeartbeat.newBuilder().setAgentId(id.agentId()).setHostId(id.hostId())
            .setIncarnation(id.incarnation()).setSequence(sequence.incrementAndGet())
            .setTimestamp(reporter.clock().instant()).setState(state.get()).setQueues(id.queues())
            .setCapacity(id.capacity()).setFreeSlots(Math.max(0, runner.freeSlots())).setInFlight(runner.inFlight())
            .setPid(ProcessHandle.current().pid()).setVersion(VERSION).build();
        reporter.send(new ProducerRecord<>(heartbeatTopic, Reporter.utf8(id.agentId()), heartbeat), "heartbeat");
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
