package io.kafkasas.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * "The supervisor has caught up" against a real broker. Streams commits the offset after the last record it
 * processed, so a partition that ends in an aborted transaction (a supervisor stopped mid-transaction) never shows
 * a committed offset at its end: found by the default chaos run, which waited for that until its time-out.
 */
@RealKafka
class SupervisorProgressIT {

    @Test
    void anAbortedTailShouldCountAsReadButACommittedRecordShouldNot(TestKafka kafka) throws Exception {
        String topic = UniqueNames.topicPrefix() + "task-status";
        String group = UniqueNames.of("supervisor");
        String transactionalId = UniqueNames.of("supervisor-transactions");
        TestTopics.create(kafka, List.of(topic), 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            send(client, topic, null, false); // offset 0
            send(client, topic, transactionalId, false); // offsets 1 and the ABORT marker 2
            admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(1))).all().get();

            long at = SupervisorProgress.awaitCaughtUp(admin, client, group, topic, Duration.ofSeconds(20));
            assertThat(at).isPositive();

            send(client, topic, transactionalId, true); // offsets 3 and the COMMIT marker 4: a record not yet read
            assertThatThrownBy(() -> SupervisorProgress.awaitCaughtUp(admin, client, group, topic,
                Duration.ofSeconds(3))).hasMessageContaining("did not read the status topic up to its end");

            admin.alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(4))).all().get();
            assertThat(SupervisorProgress.awaitCaughtUp(admin, client, group, topic, Duration.ofSeconds(20)))
                .isPositive();
        }
    }

    /** One record: plain ({@code transactionalId} null), or in a transaction that commits or aborts. */
    private static void send(Map<String, Object> client, String topic, String transactionalId, boolean commit)
        throws Exception {
        Map<String, Object> props = new HashMap<>(client);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
            new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes("task"), bytes("status"));
            if (transactionalId == null) {
                producer.send(record).get();
                return;
            }
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record).get();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
