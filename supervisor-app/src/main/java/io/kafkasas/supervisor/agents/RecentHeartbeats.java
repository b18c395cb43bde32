package io.kafkasas.supervisor.agents;

import io.kafkasas.app.TopicFollower;
import io.kafkasas.avro.AgentHeartbeat;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Heartbeats as they arrive, read from the heartbeat topic on a thread of their own beside the stream thread: when
 * each agent incarnation was last heard from, by this JVM's clock. The stream thread can fall seconds behind a burst
 * of statuses, and Streams reads a task's inputs in timestamp order, so heartbeats wait behind the burst; this thread
 * reads only heartbeats and keeps up. Liveness asks it before a verdict ({@link HeardFrom}).
 *
 * <p>Every instance reads every heartbeat: a few hundred bytes per agent per second. An undecodable heartbeat is
 * skipped here; the stream thread dead-letters it.
 */
public final class RecentHeartbeats implements HeardFrom, AutoCloseable {

    private record Heard(long incarnation, Instant at) {
    }

    private final Map<String, Heard> heard = new ConcurrentHashMap<>();
    private final Deserializer<AgentHeartbeat> heartbeats;
    private final Clock clock;
    private final TopicFollower<byte[]> follower;

    public RecentHeartbeats(Map<String, Object> kafka, String topic, Deserializer<AgentHeartbeat> heartbeats,
                            Clock clock) {
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.follower = new TopicFollower<>("supervisor-heartbeats", kafka, List.of(topic), new StringDeserializer(),
            new ByteArrayDeserializer(), this::onRecord);
    }

    private void onRecord(ConsumerRecord<String, byte[]> record) {
        AgentHeartbeat heartbeat;
        try {
            heartbeat = heartbeats.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            return;
        }
        if (heartbeat != null) {
            Heard now = new Heard(heartbeat.getIncarnation(), clock.instant());
            heard.merge(heartbeat.getAgentId(), now,
                (old, next) -> next.incarnation() >= old.incarnation() ? next : old);
        }
    }

    @Override
    public Instant lastHeard(String agentId, long incarnation) {
        Heard last = heard.get(agentId);
        return last != null && last.incarnation() == incarnation ? last.at() : null;
    }

    @Override
    public OptionalLong newestIncarnation(String agentId) {
        Heard last = heard.get(agentId);
        return last == null ? OptionalLong.empty() : OptionalLong.of(last.incarnation());
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
    }
}
