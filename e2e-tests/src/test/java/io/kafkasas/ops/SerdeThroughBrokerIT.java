package io.kafkasas.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.avro.TaskRequest;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every contract through a real broker, encoded against the mock registry and against the local one over HTTP. */
@RealKafka
class SerdeThroughBrokerIT {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripEveryContractThroughKafkaWithTheLocalRegistryOverHttp(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("r.jsonl"), 0)) {
            roundTrip(kafka, SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, registry.url())));
        }
    }

    @Test
    void shouldRoundTripEveryContractThroughKafkaWithTheMockRegistry(TestKafka kafka) throws Exception {
        String url = "mock://" + UniqueNames.of("serde-it");
        try {
            roundTrip(kafka, SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, url)));
        } finally {
            InMemorySchemaRegistry.dropScope(url);
        }
    }

    private static void roundTrip(TestKafka kafka, SchemaRegistryClient registry) throws Exception {
        AvroSerdes serdes = new AvroSerdes(registry, true);
        for (SpecificRecord sample : ContractSamples.all()) {
            @SuppressWarnings("unchecked")
            Serde<SpecificRecord> serde = serdes.forValues((Class<SpecificRecord>) sample.getClass());
            String topic = UniqueNames.of(sample.getSchema().getName());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), serde.serializer())) {
                producer.send(new ProducerRecord<>(topic, "key", sample)).get();
            }
            List<SpecificRecord> read = new ArrayList<>();
            try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, UniqueNames.of("g"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), serde.deserializer())) {
                consumer.subscribe(Set.of(topic));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> read.add(r.value()));
                    return !read.isEmpty();
                });
            }
            assertThat(read).hasSize(1);
            assertThat(sample.equals(read.get(0))).as(sample.getSchema().getName()).isTrue();
        }
        assertThat(registry.subjects()).anyMatch(s -> s.contains(TaskRequest.class.getSimpleName()));
    }
}
