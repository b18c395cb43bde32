package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.agents.RecentHeartbeats;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The supervisor's heartbeat reader against a real broker: each incarnation heard, bad records skipped. */
@RealKafka
class HeartbeatReaderIT {

    @Test
    void shouldHearEachIncarnationAndSkipWhatItCannotDecode(TestKafka kafka) throws Exception {
        Contracts.trust();
        String registry = "mock://" + UniqueNames.of("heartbeat-reader");
        AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, registry)),
            true);
        Topic<String, AgentHeartbeat> heartbeats = new Topics(new TopicNames(UniqueNames.topicPrefix(),
            List.of(TopicNames.DEFAULT_QUEUE)), serdes).heartbeats();
        TestTopics.create(kafka, List.of(heartbeats.name()), 3);
        Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (RecentHeartbeats reader = new RecentHeartbeats(client, heartbeats.name(),
                heartbeats.valueSerde().deserializer(), Clock.systemUTC());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(),
                 new ByteArraySerializer())) {
            Instant sent = Instant.now();
            producer.send(new ProducerRecord<>(heartbeats.name(), bytes("agent-x"), bytes("not a heartbeat")));
            producer.send(new ProducerRecord<>(heartbeats.name(), bytes("agent-x"), heartbeats.valueSerde()
                .serializer().serialize(heartbeats.name(), AgentHeartbeat.newBuilder().setAgentId("agent-x")
                    .setHostId("h").setIncarnation(3).setSequence(1).setTimestamp(sent).setCapacity(1)
                    .setFreeSlots(1).build())));
            producer.flush();

            await().atMost(Duration.ofSeconds(10)).until(() -> reader.lastHeard("agent-x", 3) != null);
            assertThat(reader.lastHeard("agent-x", 3)).isAfter(sent.minusMillis(1));
            assertThat(reader.lastHeard("agent-x", 2)).as("another incarnation was not heard").isNull();
        } finally {
            InMemorySchemaRegistry.dropScope(registry);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
