package io.kafkasas.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.requests.InvalidTaskRequestException;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against a real broker: intake over Kafka and HTTP, de-duplication, delays, bad input. */
@RealKafka
class SchedulerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Map<String, String> settings;
    private SchedulerConfig config;
    private Topics topics;
    private SchedulerApp app;
    private TaskClient client;
    private RecordCollector<String, TaskEvent> tasks;
    private RecordCollector<String, TaskStatus> statuses;
    @TempDir
    Path stateDir;

    @BeforeEach
    void start(TestKafka kafka) {
        settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            SchemaRegistryConfig.URL, "mock://" + UniqueNames.of("scheduler-it"), "http.port", "0",
            StreamsApps.STREAMS_PREFIX + "state.dir", stateDir.resolve("a").toString()));
        settings.putAll(TestAuth.settings());
        config = SchedulerConfig.of(settings);
        topics = config.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 3);
        app = SchedulerApp.start(config, Clock.systemUTC());
        client = TaskClient.create(config.shared());
        tasks = new RecordCollector<>(kafka, List.of(topics.names().tasks("default")), new StringDeserializer(),
            topics.tasks("default").valueSerde().deserializer());
        statuses = new RecordCollector<>(kafka, List.of(topics.names().taskStatus()), new StringDeserializer(),
            topics.taskStatus().valueSerde().deserializer());
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        app.close();
        tasks.close();
        statuses.close();
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(app.httpUrl() + "/tasks"))).timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> queued() {
        return statuses.values(s -> s.getStatus() == TaskStatusType.QUEUED).stream().map(TaskStatus::getTaskId)
            .toList();
    }

    @Test
    void shouldKeepOneTaskPerIdempotencyKeyOverKafkaAndHttp() throws Exception {
        String first = client.submit(TaskClient.request("noop").setIdempotencyKey("order-7").build()).get();
        client.submit(TaskClient.request("noop").setIdempotencyKey("order-7").build()).get();
        await().atMost(WAIT).until(() -> tasks.values().size() == 1);

        HttpResponse<String> repeat = post("{\"type\":\"noop\",\"idempotencyKey\":\"order-7\"}");

        assertThat(repeat.statusCode()).isEqualTo(200);
        JsonNode body = HttpApi.JSON.readTree(repeat.body());
        assertThat(body.get("taskId").asText()).isEqualTo(first);
        assertThat(body.get("duplicate").asBoolean()).isTrue();
        HttpResponse<String> other = post("{\"type\":\"noop\",\"idempotencyKey\":\"order-8\"}");
        assertThat(other.statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> tasks.values().size() == 2);
        assertThat(tasks.values()).extracting(TaskEvent::getIdempotencyKey).containsExactly("order-7", "order-8");
        assertThat(tasks.values().get(0).getTaskId()).isEqualTo(first);

        // a request with a task id but no key: the answer gives the key that makes its retry safe, and the retry
        // (after a 503, say) runs nothing twice
        HttpResponse<String> keyless = post("{\"type\":\"noop\",\"taskId\":\"t-keyless\"}");
        assertThat(HttpApi.JSON.readTree(keyless.body()).get("idempotencyKey").asText()).isEqualTo("t-keyless");
        await().atMost(WAIT).until(() -> tasks.values().size() == 3);
        HttpResponse<String> retry = post("{\"type\":\"noop\",\"taskId\":\"t-keyless\",\"idempotencyKey\":"
            + "\"t-keyless\"}");
        assertThat(retry.statusCode()).isEqualTo(200);
        client.flush();
        assertThat(tasks.values()).extracting(TaskEvent::getTaskId).containsOnlyOnce("t-keyless");
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body()).contains(
            "sas_scheduler_requests_duplicates_total{app=\"scheduler\"} 1.0",
            "sas_scheduler_requests_accepted_total{app=\"scheduler\"} 3.0", "kafka_stream_");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(app.httpUrl() + path))).timeout(WAIT)
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldCommitWhenTheInputRunsDryNotWhenTheIntervalEnds() throws Exception {
        // with a 10-minute interval, only the commit asked for after the last polled record makes tasks visible
        app.close();
        settings.put(SchedulerConfig.COMMIT_WHEN_IDLE, "true");
        settings.put(StreamsApps.STREAMS_PREFIX + "commit.interval.ms", "600000");
        settings.put(StreamsApps.STREAMS_PREFIX + "producer.transaction.timeout.ms", "700000");
        app = SchedulerApp.start(SchedulerConfig.of(settings), Clock.systemUTC());

        String lone = client.submit(TaskClient.request("noop").build()).get();
        await().atMost(WAIT).until(() -> tasks.values().stream().anyMatch(t -> t.getTaskId().equals(lone)));
        for (int i = 0; i < 300; i++) {
            client.submit(TaskClient.request("noop").build());
        }
        client.flush();
        await().atMost(WAIT).until(() -> tasks.values().size() == 301);
        Instant notBefore = Instant.now().plusSeconds(2);
        String delayed = client.submit(TaskClient.request("noop").setNotBefore(notBefore).build()).get();
        await().atMost(WAIT).until(() -> tasks.values().stream().anyMatch(t -> t.getTaskId().equals(delayed)));
    }

    @Test
    void shouldStartADelayedTaskOnTimeAlsoAcrossARestart() throws Exception {
        Instant notBefore = Instant.now().plusSeconds(8);
        HttpResponse<String> accepted = post("{\"type\":\"noop\",\"notBefore\":\"" + notBefore + "\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String taskId = HttpApi.JSON.readTree(accepted.body()).get("taskId").asText();
        await().atMost(WAIT).until(() -> queued().contains(taskId));

        // a new instance with an empty state directory must restore the held task from the changelog
        app.close();
        settings.put(StreamsApps.STREAMS_PREFIX + "state.dir", stateDir.resolve("b").toString());
        app = SchedulerApp.start(SchedulerConfig.of(settings), Clock.systemUTC());

        await().atMost(WAIT).until(() -> !tasks.values().isEmpty());
        TaskEvent event = tasks.values().get(0);
        assertThat(event.getTaskId()).isEqualTo(taskId);
        assertThat(event.getEmittedAt()).isAfterOrEqualTo(notBefore);
        // the closed instance left the group, so the new one did not wait out a 45 s session timeout
        assertThat(event.getEmittedAt()).isBefore(notBefore.plusSeconds(15));
        assertThat(tasks.records().get(0).timestamp()).isGreaterThanOrEqualTo(notBefore.toEpochMilli());
    }

    @Test
    void shouldAnswerInvalidInputWithTheFieldAndTheReason() throws Exception {
        HttpResponse<String> invalid = post("{\"type\":\"noop\",\"queue\":\"nope\",\"retries\":3}");
        HttpResponse<String> notJson = post("type=noop");
        HttpResponse<String> tooLarge = post("{\"type\":\"noop\",\"payloadBase64\":\""
            + "A".repeat(config.maxPayloadBytes() * 2) + "\"}");

        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode violations = HttpApi.JSON.readTree(invalid.body()).get("violations");
        assertThat(violations.findValuesAsText("field")).containsExactlyInAnyOrder("queue", "retries");
        assertThat(invalid.body()).contains("unknown queue 'nope'");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    @Test
    void shouldRejectAnInvalidRequestFromKafkaAndDeadLetterIt(TestKafka kafka) throws Exception {
        try (RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
            List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer())) {
            String taskId;
            // the Java client refuses a queue it does not know; one whose settings name a queue the scheduler lacks
            // (or any other producer) reaches the scheduler, which rejects the request
            assertThatThrownBy(() -> client.submit(TaskClient.request("noop").setQueue("nope").build()).get())
                .hasCauseInstanceOf(InvalidTaskRequestException.class).hasMessageContaining("unknown queue 'nope'");
            try (TaskClient stale = TaskClient.create(Map.of(SasConfig.TOPIC_PREFIX,
                    settings.get(SasConfig.TOPIC_PREFIX), SasConfig.KAFKA_PREFIX + "bootstrap.servers",
                    kafka.bootstrapServers(), SchemaRegistryConfig.URL, settings.get(SchemaRegistryConfig.URL),
                    SasConfig.QUEUES, "default,nope"))) {
                taskId = stale.submit(TaskClient.request("noop").setQueue("nope").build()).get();
            }

            await().atMost(WAIT).until(() -> !statuses.values().isEmpty() && !letters.values().isEmpty());
            TaskStatus rejected = statuses.values().get(0);
            assertThat(rejected.getTaskId()).isEqualTo(taskId);
            assertThat(rejected.getStatus()).isEqualTo(TaskStatusType.REJECTED);
            assertThat(rejected.getMessage()).contains("queue: unknown queue 'nope'");
            assertThat(letters.values().get(0).getReason()).isEqualTo(DeadLetterReason.INVALID_REQUEST);
            assertThat(tasks.values()).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterRandomBytesWhileValidRequestsAroundThemBecomeTasks(TestKafka kafka) throws Exception {
        Random random = new Random(42);
        int valid = 0;
        int garbage = 0;
        try (KafkaProducer<byte[], byte[]> raw = kafka.rawProducer();
             RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
                 List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
                 topics.deadLetters().valueSerde().deserializer())) {
            for (int i = 0; i < 60; i++) {
                if (i % 3 == 0) {
                    byte[] bytes = new byte[1 + random.nextInt(200)];
                    random.nextBytes(bytes);
                    bytes[0] = (byte) (i % 2); // half of them even look like the wire format's magic byte
                    raw.send(new ProducerRecord<>(topics.names().taskRequests(), null, bytes)).get();
                    garbage++;
                } else {
                    client.submit(TaskClient.request("noop").build()).get();
                    valid++;
                }
            }
            int expectedTasks = valid;
            int expectedLetters = garbage;
            await().atMost(WAIT).until(() -> tasks.values().size() == expectedTasks
                && letters.values().size() == expectedLetters);
            assertThat(letters.values()).extracting(DeadLetter::getReason)
                .allMatch(r -> Set.of(DeadLetterReason.UNDECODABLE, DeadLetterReason.UNKNOWN_SCHEMA).contains(r));
            assertThat(letters.values()).allMatch(l -> l.getOriginalValue() != null && l.getSourceOffset() >= 0);
        }
    }
}
