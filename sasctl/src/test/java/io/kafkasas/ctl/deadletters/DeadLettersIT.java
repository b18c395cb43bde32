package io.kafkasas.ctl.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.Sasctl;
import io.kafkasas.ctl.TopicReader;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sasctl topics} and {@code sasctl dead-letters list|replay} against a real broker: every kind of dead letter
 * is listed with how it would be replayed, a dry run sends nothing, and a replay puts exactly the planned records on
 * the planned topics.
 */
@RealKafka
class DeadLettersIT {

    @TempDir
    Path dir;

    private String settings;
    private String registryUrl;
    private CtlConfig config;

    @BeforeEach
    void provision(TestKafka kafka) throws IOException {
        String prefix = UniqueNames.topicPrefix();
        registryUrl = "mock://" + prefix;
        Properties properties = new Properties();
        properties.putAll(Map.of(SasConfig.TOPIC_PREFIX, prefix, SchemaRegistryConfig.URL, registryUrl,
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            ProvisioningConfig.REPLICATION_FACTOR, "1", ProvisioningConfig.CONTROL_PARTITIONS, "2"));
        Path file = dir.resolve("sasctl.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        settings = file.toString();
        config = CtlConfig.of(ConfigSource.load(file, Map.of()));
    }

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(registryUrl);
    }

    @Test
    void shouldCreateThenVerifyTheTopicsAndSayWhenTheyAreMissing() {
        Sasctl.Run missing = Sasctl.run(settings, "topics", "verify");
        assertThat(missing.exitCode()).as(missing.err()).isEqualTo(ExitCodes.TOPICS_DIFFER);
        assertThat(missing.out()).contains("MISSING");

        assertThat(Sasctl.run(settings, "topics", "create").exitCode()).isZero();
        Sasctl.Run verified = Sasctl.run(settings, "topics", "verify", "-o", "json");

        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("\"UNCHANGED\"").doesNotContain("MISSING");
    }

    @Test
    void shouldListEveryDeadLetterWithItsReplayAndReplayExactlyThoseNamed() throws Exception {
        assertThat(Sasctl.run(settings, "topics", "create").exitCode()).isZero();
        TaskEvent gaveUp = TaskEvent.newBuilder(ContractSamples.taskEvent()).setTaskId("t-gave-up").build();
        List<DeadLetter> letters = List.of(
            letter(DeadLetterReason.RETRIES_EXHAUSTED, "t-gave-up").setTask(gaveUp).build(),
            letter(DeadLetterReason.UNDECODABLE, null).setSourceTopic(config.topicNames().tasks("default"))
                .setOriginalKey(bytes("k-9")).setOriginalValue(bytes("not avro")).build(),
            letter(DeadLetterReason.UNKNOWN, "t-old").build());
        List<String> at = write(letters);

        Sasctl.Run list = Sasctl.run(settings, "dead-letters", "list", "-o", "json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode listed = Output.JSON.readTree(list.out());
        assertThat(listed).hasSize(3);
        assertThat(listed.findValuesAsText("replay")).containsExactly("resubmit", "resend", "none");
        assertThat(listed.findValuesAsText("at")).containsExactlyElementsOf(at);

        Sasctl.Run dryRun = Sasctl.run(settings, "dead-letters", "replay", "--all", "--dry-run");
        assertThat(dryRun.exitCode()).as("one letter cannot be replayed").isEqualTo(ExitCodes.NOT_SUCCEEDED);
        assertThat(dryRun.out()).contains("would resubmit", "would resend", "by hand");
        assertThat(read(config.topicNames().taskRequests(), 0)).as("a dry run sends nothing").isEmpty();

        Sasctl.Run replay = Sasctl.run(settings, "dead-letters", "replay", "--at", at.get(0), "--at", at.get(1),
            "-o", "json");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        String newTaskId = Output.JSON.readTree(replay.out()).get(0).get("newTaskId").asText();

        List<ConsumerRecord<byte[], byte[]>> requests = read(config.topicNames().taskRequests(), 1);
        assertThat(requests).hasSize(1);
        TaskRequest request = config.topics().taskRequests().valueSerde().deserializer()
            .deserialize(requests.get(0).topic(), requests.get(0).value());
        assertThat(request.getTaskId()).isEqualTo(newTaskId).isNotEqualTo("t-gave-up");
        assertThat(request.getIdempotencyKey()).isEqualTo("replay:t-gave-up");
        assertThat(request.getType()).isEqualTo(gaveUp.getType());
        assertThat(request.getHeaders()).containsEntry(Replays.REPLAYED_FROM,
            config.topicNames().deadLetters() + "-" + at.get(0).replace(':', '@'));
        List<ConsumerRecord<byte[], byte[]>> resent = read(config.topicNames().tasks("default"), 1);
        assertThat(resent).hasSize(1);
        assertThat(new String(resent.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(new String(resent.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k-9");
        assertThat(resent.get(0).headers().lastHeader(Replays.REPLAYED_FROM)).isNotNull();
    }

    @Test
    void shouldFailClearlyWhenNoDeadLetterIsWhereItIsSaidToBe() {
        Sasctl.Run noTopics = Sasctl.run(settings, "dead-letters", "list");
        assertThat(noTopics.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(noTopics.err()).contains("There is no topic " + config.topicNames().deadLetters(),
            "sasctl topics create");
        assertThat(Sasctl.run(settings, "topics", "create").exitCode()).isZero();

        Sasctl.Run run = Sasctl.run(settings, "dead-letters", "replay", "--at", "1:999");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("No dead letter at 1:999", "dead-letters list");
        assertThat(Sasctl.run(settings, "dead-letters", "replay").exitCode()).as("--at or --all is required")
            .isEqualTo(ExitCodes.USAGE);
    }

    private static DeadLetter.Builder letter(DeadLetterReason reason, String taskId) {
        return DeadLetter.newBuilder().setReason(reason).setMessage("it failed: " + reason).setSourceTopic("")
            .setTaskId(taskId).setProducedBy("test").setTimestamp(Instant.now());
    }

    /** Writes {@code letters} in order to one partition; returns where each lies. */
    private List<String> write(List<DeadLetter> letters) throws Exception {
        List<String> at = new ArrayList<>();
        try (KafkaProducer<byte[], DeadLetter> producer = new KafkaProducer<>(config.kafkaProperties(),
            new ByteArraySerializer(), config.topics().deadLetters().valueSerde().serializer())) {
            for (DeadLetter letter : letters) {
                var sent = producer.send(new ProducerRecord<>(config.topicNames().deadLetters(), 1, null, letter))
                    .get();
                at.add(sent.partition() + ":" + sent.offset());
            }
        }
        return at;
    }

    /** The records of {@code topic}, waiting a little for {@code expected} of them. */
    private List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(config)) {
            consumer.seekToBeginning(TopicReader.assignAll(consumer, topic));
            Instant until = Instant.now().plusSeconds(expected == 0 ? 2 : 10);
            while (Instant.now().isBefore(until) && (expected == 0 || records.size() < expected)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
