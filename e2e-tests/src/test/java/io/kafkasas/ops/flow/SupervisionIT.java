package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's decisions on a real broker: retries and dead letters, release, cancellation. */
@RealKafka
class SupervisionIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    Path dir;
    private Map<String, String> settings;
    private SchedulerApp scheduler;
    private SupervisorApp supervisor;
    private Agent first;
    private Agent second;
    private TaskClient client;
    private Topics topics;
    private RecordCollector<String, TaskStatus> statuses;
    private RecordCollector<String, TaskEvent> events;

    @BeforeEach
    void start(TestKafka kafka) {
        settings = TestSettings.of(kafka, "mock://" + UniqueNames.of("supervision"));
        SchedulerConfig schedulerConfig = SchedulerConfig.of(with("streams.state.dir", dir.resolve("s").toString()));
        topics = schedulerConfig.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 3);
        scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
        supervisor = SupervisorApp.start(SupervisorConfig.of(with("streams.state.dir", dir.resolve("v").toString())));
        first = Agent.start(AgentConfig.of(with(AgentConfig.AGENT_ID, "agent-1")), Clock.systemUTC());
        second = Agent.start(AgentConfig.of(with(AgentConfig.AGENT_ID, "agent-2")), Clock.systemUTC());
        client = TaskClient.create(schedulerConfig.shared());
        statuses = new RecordCollector<>(kafka, List.of(topics.names().taskStatus()), new StringDeserializer(),
            topics.taskStatus().valueSerde().deserializer());
        events = new RecordCollector<>(kafka, List.of(topics.names().tasks("default")), new StringDeserializer(),
            topics.tasks("default").valueSerde().deserializer());
    }

    private Map<String, String> with(String key, String value) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(key, value);
        return copy;
    }

    @AfterEach
    void stop() throws InterruptedException {
        first.stop(AgentExit.STOPPED);
        second.stop(AgentExit.STOPPED);
        first.awaitExit();
        second.awaitExit();
        client.close();
        supervisor.close();
        scheduler.close();
        statuses.close();
        events.close();
    }

    private String submit(String payload, int maxAttempts) throws Exception {
        return client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload.getBytes(
            StandardCharsets.UTF_8))).setRetryPolicy(RetryPolicy.newBuilder().setInitialIntervalMs(200)
            .setMaxAttempts(maxAttempts).build()).build()).get();
    }

    private List<TaskStatusType> history(String id) {
        return statuses.values(s -> s.getTaskId().equals(id) && s.getStatus() != TaskStatusType.PROGRESS).stream()
            .map(TaskStatus::getStatus).toList();
    }

    /** And a poison heartbeat on the way: dead-lettered by the supervisor, which goes on with the task. */
    @Test
    void shouldRetryAFailingTaskThenDeadLetterItWithEveryAttempt(TestKafka kafka) throws Exception {
        try (RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
            List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
             KafkaProducer<byte[], byte[]> raw = kafka.rawProducer()) {
            byte[] poison = "not a heartbeat".getBytes(StandardCharsets.UTF_8);
            raw.send(new ProducerRecord<>(topics.names().heartbeats(), "agent-1".getBytes(StandardCharsets.UTF_8),
                poison)).get();
            String id = submit("{\"ms\":10,\"fail\":\"broken\"}", 3);

            await().atMost(WAIT).until(() -> history(id).contains(TaskStatusType.DEAD_LETTERED));
            assertThat(history(id)).containsExactly(TaskStatusType.STARTED,
                TaskStatusType.FAILED, TaskStatusType.STARTED, TaskStatusType.FAILED, TaskStatusType.STARTED,
                TaskStatusType.FAILED, TaskStatusType.DEAD_LETTERED);
            assertThat(events.values(e -> e.getTaskId().equals(id))).extracting(TaskEvent::getAttempt)
                .containsExactly(1, 2, 3);
            await().atMost(WAIT).until(() -> letters.values().size() == 2);
            DeadLetter letter = letters.values(l -> l.getReason() == DeadLetterReason.RETRIES_EXHAUSTED).get(0);
            assertThat(letter.getAttempts()).hasSize(3);
            DeadLetter undecodable = letters.values(l -> l.getReason() == DeadLetterReason.UNDECODABLE).get(0);
            assertThat(undecodable.getSourceTopic()).isEqualTo(topics.names().heartbeats());
            assertThat(undecodable.getOriginalValue()).isEqualTo(ByteBuffer.wrap(poison));
            assertThat(undecodable.getProducedBy()).startsWith("supervisor");
        }
    }

    @Test
    void shouldRunAReleasedTaskAgainOnAnotherAgent() throws Exception {
        String id = submit("{\"ms\":60000}", 3);
        await().atMost(WAIT).until(() -> history(id).contains(TaskStatusType.STARTED));
        Agent holder = statuses.values(s -> s.getTaskId().equals(id) && s.getStatus() == TaskStatusType.STARTED)
            .get(0).getAgentId().equals("agent-1")
            ? first : second;

        holder.stop(AgentExit.STOPPED);

        await().atMost(WAIT).until(() -> events.values(e -> e.getTaskId().equals(id)
            && e.getEmitReason() == EmitReason.RELEASED).size() == 1);
        await().atMost(WAIT).until(() -> statuses.values(s -> s.getTaskId().equals(id)
            && s.getStatus() == TaskStatusType.STARTED && s.getAttempt() == 2).size() == 1);
        assertThat(statuses.values(s -> s.getTaskId().equals(id) && s.getAttempt() == 2).get(0).getAgentId())
            .isNotEqualTo(holder.agentId());
    }

    @Test
    void shouldCancelARunningTaskThroughTheSchedulersApi() throws Exception {
        String id = submit("{\"ms\":60000}", 3);
        await().atMost(WAIT).until(() -> history(id).contains(TaskStatusType.STARTED));

        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
            TestAuth.authorized(HttpRequest.newBuilder(URI.create(scheduler.httpUrl() + "/tasks/" + id + "/cancel")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"customer withdrew\"}")).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> history(id).contains(TaskStatusType.CANCELLED));
        assertThat(history(id)).containsExactly(TaskStatusType.STARTED,
            TaskStatusType.CANCEL_REQUESTED, TaskStatusType.CANCELLED);
        assertThat(statuses.values(s -> s.getStatus() == TaskStatusType.CANCELLED).get(0).getMessage())
            .isEqualTo("customer withdrew");
    }
}
