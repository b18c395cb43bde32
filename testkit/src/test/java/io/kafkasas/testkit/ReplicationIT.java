package io.kafkasas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.junit.jupiter.api.Test;

@RealKafka(brokers = 3)
class ReplicationIT {

    private static final int RECORDS = 3_000;

    @Test
    void shouldLoseNothingWhenABrokerStopsMidStream(TestKafka kafka) throws Exception {
        String topic = UniqueNames.of("replicated");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<Integer, Integer> producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka),
            new IntegerSerializer(), new IntegerSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS / 3) {
                    producer.flush();
                    kafka.stopNode(1); // a third of the way in: one of three replicas gone, ISR 2 still met
                }
                acks.add(producer.send(new ProducerRecord<>(topic, i % 97, i)));
            }
            producer.flush();
        } finally {
            kafka.startNode(1);
        }
        for (Future<RecordMetadata> ack : acks) {
            assertThat(ack.get().hasOffset()).isTrue(); // every send was acknowledged by the in-sync replicas
        }

        Map<Integer, Integer> seen = new HashMap<>();
        try (KafkaConsumer<Integer, Integer> consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka,
            UniqueNames.of("reader")), new IntegerDeserializer(), new IntegerDeserializer())) {
            consumer.subscribe(Set.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<Integer, Integer> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.merge(record.value(), 1, Integer::sum);
                }
                return seen.size() >= RECORDS;
            });
        }
        assertThat(seen).hasSize(RECORDS);
        assertThat(seen.values()).as("the idempotent producer writes each record once").containsOnly(1);
    }
}
