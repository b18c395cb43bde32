package io.kafkasas.agent.run;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * Reads the commands for this agent. Commands are keyed by agent id, so the listener reads only the one partition
 * its id hashes to (as the default partitioner places it), from the end: a command issued before this start was
 * meant for an earlier incarnation.
 */
public final class CommandListener implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandListener.class);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Deserializer<AgentCommand> commands;
    private final String topic;
    private final byte[] agentKey;
    private final Consumer<AgentCommand> handler;
    private final Reporter reporter;
    private volatile boolean stopping;

    public CommandListener(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                           Deserializer<AgentCommand> commands, String topic, Reporter reporter,
                           Consumer<AgentCommand> handler) {
        this.consumer = consumer;
        this.commands = commands;
        this.topic = topic;
        this.agentKey = Reporter.utf8(reporter.identity().agentId());
        this.handler = handler;
        this.reporter = reporter;
    }

    /** Assigns this agent's partition at its end; call before {@link #run()} so no command is missed after it. */
    public void assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; create the topics first"
                + " (kafka-sas-ops topics create)");
        }
        TopicPartition mine = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(agentKey)) % partitions.size());
        consumer.assign(List.of(mine));
        consumer.seekToEnd(List.of(mine));
        consumer.position(mine);
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (Arrays.equals(record.key(), agentKey)) {
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

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        try {
            AgentCommand command = commands.deserialize(record.topic(), record.value());
            if (command != null) {
                handler.accept(command);
            }
        } catch (UndecodableRecordException e) {
            LOG.error("Dead-lettering an undecodable command at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.getMessage());
            reporter.send(reporter.record(record.key(), e.at(record).toDeadLetter("agent "
                + reporter.identity().agentId(), reporter.clock().instant())), "dead letter of a command");
        } catch (RuntimeException e) {
            LOG.error("Command at {}-{}@{} failed", record.topic(), record.partition(), record.offset(), e);
        }
    }

    public void stop() {
        stopping = true;
        consumer.wakeup();
    }
}
