package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.AgentMain;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.AgentState;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent process gets a real SIGTERM while it runs tasks: short ones finish, long ones are released. */
@RealKafka
class AgentSigtermIT {

    @TempDir
    Path dir;

    @Test
    void shouldFinishOrReleaseEveryRunningTaskOnSigterm(TestKafka kafka) throws Exception {
        Contracts.trust();
        String prefix = UniqueNames.topicPrefix();
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Topics topics = new Topics(new TopicNames(prefix, List.of("default")), new AvroSerdes(
                SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, registry.url())), true));
            TestTopics.create(kafka, topics.names().all(), 3);
            try (ChildJvm agent = ChildJvm.start(AgentMain.class.getName(), List.of("-Xmx256m"), List.of(),
                    Map.of("SAS_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SAS_SCHEMA_REGISTRY_URL",
                        registry.url(), "SAS_TOPIC_PREFIX", prefix, "SAS_AGENT_ID", "agent-term",
                        "SAS_AGENT_CONCURRENCY", "6", "SAS_AGENT_SHUTDOWN_GRACE_MS", "3000", "SAS_HTTP_PORT", "0"),
                    dir.resolve("agent.log"));
                 RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                     List.of(topics.names().taskStatus()), new StringDeserializer(),
                     topics.taskStatus().valueSerde().deserializer());
                 RecordCollector<String, AgentHeartbeat> heartbeats = new RecordCollector<>(kafka,
                     List.of(topics.names().heartbeats()), new StringDeserializer(),
                     topics.heartbeats().valueSerde().deserializer());
                 KafkaProducer<String, TaskEvent> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                     topics.tasks("default").valueSerde().serializer())) {
                List<String> shortOnes = List.of("short-1", "short-2", "short-3");
                List<String> longOnes = List.of("long-1", "long-2", "long-3");
                shortOnes.forEach(id -> send(producer, topics, id, 1_500));
                longOnes.forEach(id -> send(producer, topics, id, 120_000));
                await().atMost(Duration.ofSeconds(60)).until(() -> statuses.values(
                    s -> s.getStatus() == TaskStatusType.STARTED).size() == 6);

                long stopAt = System.nanoTime();
                int exit = agent.stop(Duration.ofSeconds(30));
                Duration stopping = Duration.ofNanos(System.nanoTime() - stopAt);

                assertThat(exit).as("SIGTERM handled by the JVM's shutdown hooks: 128 + 15").isEqualTo(143);
                assertThat(stopping).isLessThan(Duration.ofSeconds(15));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Map<String, List<TaskStatusType>> history = statuses.values().stream().collect(
                        Collectors.groupingBy(TaskStatus::getTaskId, Collectors.mapping(TaskStatus::getStatus,
                            Collectors.filtering(s -> s != TaskStatusType.PROGRESS, Collectors.toList()))));
                    shortOnes.forEach(id -> assertThat(history.get(id)).as(id)
                        .containsExactly(TaskStatusType.STARTED, TaskStatusType.SUCCEEDED));
                    longOnes.forEach(id -> assertThat(history.get(id)).as(id)
                        .containsExactly(TaskStatusType.STARTED, TaskStatusType.RELEASED));
                });
                List<AgentHeartbeat> beats = heartbeats.values();
                assertThat(beats.get(beats.size() - 1).getState()).isEqualTo(AgentState.STOPPING);
                assertThat(beats.get(beats.size() - 1).getInFlight()).isEmpty();
            }
        }
    }

    private static void send(KafkaProducer<String, TaskEvent> producer, Topics topics, String id, long ms) {
        Instant now = Instant.now();
        producer.send(new ProducerRecord<>(topics.names().tasks("default"), id, TaskEvent.newBuilder().setTaskId(id)
            .setAttempt(1).setQueue("default").setType("sleep")
            .setPayload(ByteBuffer.wrap(("{\"ms\":" + ms + "}").getBytes(StandardCharsets.UTF_8)))
            .setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(now).setEmittedAt(now).build()));
    }
}
