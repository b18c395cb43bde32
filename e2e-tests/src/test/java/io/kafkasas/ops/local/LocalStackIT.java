package io.kafkasas.ops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.avro.TaskRequest;
import io.kafkasas.ctl.topics.TopicProvisioner;
import io.kafkasas.ops.OpsMain;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack as a user runs it: a broker in a child process and the registry; a record written through it
 * is read back, decoded, by another process - also after the whole stack was stopped and started again.
 */
class LocalStackIT {

    @TempDir
    Path dir;

    @Test
    void shouldServeRecordsThatAnotherProcessDecodesAlsoAfterARestart() throws Exception {
        TaskRequest request = ContractSamples.taskRequest();
        // not the preferred port: LocalDemoIT may take that one between our two starts
        int port = LocalStack.freePair();
        try (LocalStack stack = LocalStack.start(dir, port, 0)) {
            assertThat(stack.topics()).allMatch(t -> t.outcome() == TopicProvisioner.Outcome.CREATED);
            Topics topics = new Topics(TopicNames.defaults(), new AvroSerdes(SchemaRegistryClients.create(
                Map.of(SchemaRegistryConfig.URL, stack.registryUrl())), true));
            try (KafkaProducer<String, TaskRequest> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topics.taskRequests().keySerde().serializer(), topics.taskRequests().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.taskRequests().name(), "order-42", request)).get();
            }

            assertThat(tailInAnotherProcess(stack.settingsFile())).contains("\"taskId\": \"t-1\"", "order-42");
        }

        try (LocalStack restarted = LocalStack.start(dir, port, 0)) {
            assertThat(restarted.topics()).allMatch(t -> t.outcome() == TopicProvisioner.Outcome.UNCHANGED);
            assertThat(tailInAnotherProcess(restarted.settingsFile())).contains("\"taskId\": \"t-1\"");
        }
    }

    /** Two stacks looked at the same free port at once: the one that lost must not use the other's broker. */
    @Test
    void shouldNotTakeAnotherStacksBrokerForItsOwn(@TempDir Path other) throws Exception {
        int port = LocalStack.freePair();
        try (LocalStack first = LocalStack.start(dir, port, 0)) {
            assertThatThrownBy(() -> LocalStack.start(other, port, 0).close())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Kafka");
            assertThat(first.topics()).isNotEmpty();
        }
    }

    private static String tailInAnotherProcess(Path settings) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            OpsMain.class.getName(), "tail", "sas.task-requests", "--config", settings.toString(), "--max", "1",
            "--timeout", "PT15S")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tail exit code; output: %s", output).isZero();
        return output;
    }
}
