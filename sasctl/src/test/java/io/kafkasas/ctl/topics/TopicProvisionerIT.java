package io.kafkasas.ctl.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@RealKafka
class TopicProvisionerIT {

    private static ProvisioningConfig config(TestKafka kafka, String prefix) {
        return new ProvisioningConfig(Map.of(SasConfig.TOPIC_PREFIX, prefix, SasConfig.QUEUES, "default,reports",
            SasConfig.KAFKA_PREFIX + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProvisioningConfig.REPLICATION_FACTOR, "1"));
    }

    @Test
    void shouldCreateEveryTopicWithItsConfigsAndChangeNothingWhenRunAgain(TestKafka kafka) throws Exception {
        ProvisioningConfig config = config(kafka, UniqueNames.topicPrefix());
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);

            List<TopicProvisioner.Result> first = provisioner.provision(config.plan(), false);
            List<TopicProvisioner.Result> second = provisioner.provision(config.plan(), false);

            // 11 topics, and 3 lanes of each of 2 queues
            assertThat(first).hasSize(17).allMatch(r -> r.outcome() == TopicProvisioner.Outcome.CREATED);
            assertThat(second).hasSize(17).allMatch(r -> r.outcome() == TopicProvisioner.Outcome.UNCHANGED);
            String schedules = config.topicNames().schedules();
            String policy = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, schedules)))
                .all().get().values().iterator().next().get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void shouldReportAndNotAlterATopicThatExistsWithOtherSettings(TestKafka kafka) throws Exception {
        ProvisioningConfig config = config(kafka, UniqueNames.topicPrefix());
        String heartbeats = config.topicNames().heartbeats();
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            admin.createTopics(List.of(new NewTopic(heartbeats, 1, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "999999")))).all().get();

            List<TopicProvisioner.Result> results = new TopicProvisioner(admin).provision(config.plan(), false);

            TopicProvisioner.Result result = results.stream().filter(r -> r.topic().equals(heartbeats)).findFirst()
                .orElseThrow();
            assertThat(result.outcome()).isEqualTo(TopicProvisioner.Outcome.DIFFERENT);
            assertThat(result.differences())
                .contains("partitions 1, planned 3", "retention.ms=999999, planned 3600000");
            assertThat(admin.describeTopics(List.of(heartbeats)).allTopicNames().get().get(heartbeats).partitions())
                .as("never altered").hasSize(1);
        }
    }

    /** KAFKA-15591: a burst into partitions whose leaders did not serve yet lost a batch (see PartitionsReady). */
    @Test
    void shouldTakeABurstFromAnIdempotentProducerRightAfterCreating(TestKafka kafka) throws Exception {
        for (int round = 0; round < 5; round++) {
            ProvisioningConfig config = config(kafka, UniqueNames.topicPrefix());
            try (Admin admin = Admin.create(config.kafkaProperties());
                 Producer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 2,
                     ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000),
                     new StringSerializer(), new StringSerializer())) {
                new TopicProvisioner(admin).provision(config.plan(), false);
                String requests = config.topicNames().taskRequests();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    acks.add(producer.send(new ProducerRecord<>(requests, "k" + i, "v" + i)));
                }
                for (Future<RecordMetadata> ack : acks) {
                    assertThat(ack.get()).as("round %d", round).isNotNull();
                }
            }
        }
    }

    @Test
    void shouldReportMissingTopicsWhenOnlyVerifying(TestKafka kafka) throws Exception {
        ProvisioningConfig config = config(kafka, UniqueNames.topicPrefix());
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            assertThat(new TopicProvisioner(admin).provision(config.plan(), true))
                .allMatch(r -> r.outcome() == TopicProvisioner.Outcome.MISSING);
            assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith(config.topicNames().prefix()));
        }
    }
}
