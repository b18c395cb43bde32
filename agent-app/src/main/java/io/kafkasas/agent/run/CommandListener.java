package io.kafkasas.agent.run;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.registry.SchemaRegistryException;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.serde.UnprocessableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the commands for some agents: an agent's own, or all of a host's agents. Commands are keyed by agent id,
 * so the listener reads only the partitions the ids hash to (as the default partitioner places them), from the
 * end: a command issued before this start was meant for an earlier incarnation.
 */
public final class CommandListener implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandListener.class);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Deserializer<AgentCommand> commands;
    private final String topic;
    private final Set<String> agentIds;
    private final Consumer<AgentCommand> handler;
    private final BiConsumer<ConsumerRecord<byte[], byte[]>, UndecodableRecordException> undecodable;
    private volatile boolean stopping;

    /** {@code undecodable} gets what cannot be read (an agent dead-letters it; its host leaves that to it). */
    public CommandListener(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                           Deserializer<AgentCommand> commands, String topic, Collection<String> agentIds,
                           Consumer<AgentCommand> handler,
                           BiConsumer<ConsumerRecord<byte[], byte[]>, UndecodableRecordException> undecodable) {
        this.consumer = consumer;
        this.commands = commands;
        this.topic = topic;
        this.agentIds = Set.copyOf(agentIds);
        this.handler = handler;
        this.undecodable = undecodable;
    }

    /** Assigns the agents' partitions at their end, before reading, so no later command is missed. */
    private void assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; create the topics first"
                + " (sasctl topics create)");
        }
        List<TopicPartition> mine = agentIds.stream().map(id -> new TopicPartition(topic,
            Utils.toPositive(Utils.murmur2(Reporter.utf8(id))) % partitions.size())).distinct().toList();
        consumer.assign(mine);
        consumer.seekToEnd(mine);
        mine.forEach(consumer::position);
    }

    /** Assigns the partitions, then reads them on a daemon thread of that name. */
    public void start(String threadName) {
        assign();
        Thread thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && agentIds.contains(new String(record.key(), StandardCharsets.UTF_8))) {
                        dispatch(record);
                    }
                }
            }
        } catch (WakeupException e) {
            // stop()
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Acts on one command; poison goes to {@code undecodable}; a registry outage is waited out on this record. */
    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        while (!stopping) {
            AgentCommand command;
            try {
                command = RecordChecks.check(record.topic(), new String(record.key(), StandardCharsets.UTF_8),
                    commands.deserialize(record.topic(), record.value()));
            } catch (RuntimeException e) {
                if (!SchemaRegistryException.isOutage(e)) {
                    undecodable.accept(record, e instanceof UndecodableRecordException u ? u
                        : new UndecodableRecordException(e instanceof UnprocessableRecordException u ? u.reason()
                            : DeadLetterReason.UNDECODABLE, record.topic(), record.value(), e.getMessage(), e));
                    return;
                }
                LOG.warn("Cannot read the command at {}-{}@{} now ({}); trying again in {} ms", record.topic(),
                    record.partition(), record.offset(), e.getMessage(), REGISTRY_BACKOFF.toMillis());
                LockSupport.parkNanos(REGISTRY_BACKOFF.toNanos());
                continue;
            }
            try {
                handler.accept(command);
            } catch (RuntimeException e) {
                LOG.error("Command {} at {}-{}@{} failed", command.getType(), record.topic(), record.partition(),
                    record.offset(), e);
            }
            return;
        }
    }

    public void stop() {
        stopping = true;
        consumer.wakeup();
    }
}
