package io.kafkasas.ctl;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.topics.Topic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Commands to one agent on the agent-commands topic, as sasctl and the dashboard send them. */
public final class AgentCommands {

    private AgentCommands() {
    }

    /**
     * Sends {@code type} to {@code agentId}, meant for {@code incarnation} (the one the supervisor knows, so that a
     * process started since ignores it), and waits for the acknowledgement.
     */
    public static void send(CtlConfig config, String agentId, AgentCommandType type, long incarnation, String reason,
                            String issuedBy) throws ExecutionException, InterruptedException, TimeoutException {
        Topic<String, AgentCommand> topic = config.topics().agentCommands();
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.putAll(config.writerOverrides());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        Contracts.trust();
        AgentCommand command = AgentCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
            .setAgentId(agentId).setType(type).setTargetIncarnation(incarnation).setReason(reason)
            .setIssuedAt(Instant.now()).setIssuedBy(issuedBy).build();
        try (KafkaProducer<String, AgentCommand> producer = new KafkaProducer<>(props,
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), agentId, command))
                .get(config.kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
