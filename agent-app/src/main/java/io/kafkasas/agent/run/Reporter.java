package io.kafkasas.agent.run;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what an agent has to say outside its intake transactions — outcomes, progress, heartbeats, dead
 * letters — on one idempotent producer (acks=all) that no task thread can block for long.
 */
public final class Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final Producer<byte[], IndexedRecord> producer;
    private final TopicNames topics;
    private final AgentIdentity identity;
    private final Clock clock;

    public Reporter(Producer<byte[], IndexedRecord> producer, TopicNames topics, AgentIdentity identity,
                    Clock clock) {
        this.producer = producer;
        this.topics = topics;
        this.identity = identity;
        this.clock = clock;
    }

    public AgentIdentity identity() {
        return identity;
    }

    public Clock clock() {
        return clock;
    }

    /** A status of {@code event}'s attempt, reported by this agent now. */
    public TaskStatus.Builder status(TaskEvent event, TaskStatusType type) {
        return Statuses.of(event, type, clock.instant()).setAgentId(identity.agentId())
            .setIncarnation(identity.incarnation());
    }

    /** The record of {@code status} on the status topic (for a transaction, or for {@link #publish}). */
    public ProducerRecord<byte[], IndexedRecord> record(TaskStatus status) {
        return new ProducerRecord<>(topics.taskStatus(), utf8(status.getTaskId()), status);
    }

    public ProducerRecord<byte[], IndexedRecord> record(byte[] key, DeadLetter letter) {
        return new ProducerRecord<>(topics.deadLetters(), key, letter);
    }

    public void publish(TaskStatus status) {
        send(record(status), "status " + status.getStatus() + " of task " + status.getTaskId() + " attempt "
            + status.getAttempt());
    }

    public void send(ProducerRecord<byte[], IndexedRecord> record, String what) {
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                LOG.error("Could not publish {} to {}: {}", what, record.topic(), error.toString());
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
