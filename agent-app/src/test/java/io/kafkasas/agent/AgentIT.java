package io.kafkasas.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.Topic;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One agent against a real broker: the task loop, outcomes, deadlines, commands, bad records, capacity. */
@RealKafka
class AgentIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long INCARNATION = 42;
    private TestKafka kafka;
    private Topics topics;
    private Agent agent;
    private KafkaProducer<String, TaskEvent> tasks;
    private KafkaProducer<String, AgentCommand> commands;
    private RecordCollector<String, TaskStatus> statuses;
    private RecordCollector<String, AgentHeartbeat> heartbeats;

    @BeforeEach
    void start(TestKafka kafka) {
        Contracts.trust();
        this.kafka = kafka;
        Map<String, String> settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            SchemaRegistryConfig.URL, "mock://" + UniqueNames.of("agent-it"), "http.port", "0",
            AgentConfig.AGENT_ID, "agent-a", AgentConfig.CONCURRENCY, "2",
            AgentConfig.HEARTBEAT_INTERVAL_MS, "200", "handler.shell.allowed.commands", "echo,sleep"));
        settings.put(AgentConfig.INCARNATION, Long.toString(INCARNATION));
        settings.putAll(TestAuth.settings());
        AgentConfig config = AgentConfig.of(settings);
        topics = config.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 3);
        tasks = producer(topics.tasks("default"));
        commands = producer(topics.agentCommands());
        statuses = new RecordCollector<>(kafka, List.of(topics.names().taskStatus()), new StringDeserializer(),
            topics.taskStatus().valueSerde().deserializer());
        heartbeats = new RecordCollector<>(kafka, List.of(topics.names().heartbeats()), new StringDeserializer(),
            topics.heartbeats().valueSerde().deserializer());
        agent = Agent.start(config, Clock.systemUTC());
    }

    private <V> KafkaProducer<String, V> producer(Topic<String, V> topic) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(), topic.valueSerde().serializer());
    }

    @AfterEach
    void stop() throws InterruptedException {
        agent.stop(AgentExit.STOPPED); // a no-op for an agent that already stopped
        agent.awaitExit();
        tasks.close();
        commands.close();
        statuses.close();
        heartbeats.close();
    }

    private String submit(String type, String payload, Long timeoutMs) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        TaskEvent event = TaskEvent.newBuilder().setTaskId(id).setAttempt(1).setQueue("default").setType(type)
            .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).setExecutionTimeoutMs(timeoutMs)
            .setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(now).setEmittedAt(now).build();
        tasks.send(new ProducerRecord<>(topics.names().tasks("default"), id, event));
        return id;
    }

    private List<TaskStatusType> history(String taskId) {
        return statuses.values(s -> s.getTaskId().equals(taskId) && s.getStatus() != TaskStatusType.PROGRESS)
            .stream().map(TaskStatus::getStatus).toList();
    }

    private TaskStatus outcome(String taskId) {
        await().atMost(WAIT).until(() -> history(taskId).size() >= 2);
        List<TaskStatus> reported = statuses.values(s -> s.getTaskId().equals(taskId)
            && s.getStatus() != TaskStatusType.PROGRESS);
        return reported.get(reported.size() - 1);
    }

    @Test
    void shouldRecordStartedThenOneOutcomePerTaskWithoutExceedingItsCapacity() {
        List<String> ids = java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> submit("sleep", "{\"ms\":300}", null)).toList();

        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> history(id).size() == 2));
        for (String id : ids) {
            assertThat(history(id)).containsExactly(TaskStatusType.STARTED, TaskStatusType.SUCCEEDED);
        }
        assertThat(statuses.values(s -> s.getStatus() == TaskStatusType.STARTED))
            .allMatch(s -> "agent-a".equals(s.getAgentId()));
        List<AgentHeartbeat> beats = heartbeats.values();
        assertThat(beats).isNotEmpty().allMatch(b -> b.getInFlight().size() <= 2 && b.getCapacity() == 2);
        assertThat(beats).anyMatch(b -> b.getInFlight().size() == 2);
        assertThat(maxRunningAtOnce()).isLessThanOrEqualTo(2);
    }

    /**
     * The most attempts between STARTED and their outcome at one time, by the statuses' own times (an outcome
     * before a start at the same millisecond: the slot is free again). Not by the order they are read in: the
     * status topic has several partitions, and a consumer interleaves them as it likes.
     */
    private int maxRunningAtOnce() {
        int running = 0;
        int max = 0;
        List<TaskStatus> byTime = statuses.values().stream().sorted(java.util.Comparator
            .comparing(TaskStatus::getTimestamp).thenComparing(s -> s.getStatus() == TaskStatusType.STARTED)).toList();
        for (TaskStatus status : byTime) {
            running += switch (status.getStatus()) {
                case STARTED -> 1;
                case SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, RELEASED -> -1;
                default -> 0;
            };
            max = Math.max(max, running);
        }
        return max;
    }

    private void command(AgentCommandType type, Long incarnation, String taskId) {
        commands.send(new ProducerRecord<>(topics.names().agentCommands(), "agent-a", AgentCommand.newBuilder()
            .setCommandId(UUID.randomUUID().toString()).setAgentId("agent-a").setType(type).setTaskId(taskId)
            .setTargetIncarnation(incarnation).setAttempt(taskId == null ? null : 1).setReason("operator asked")
            .setIssuedAt(Instant.now()).build()));
    }

    @Test
    void shouldExitForARestartOfItsOwnIncarnationOnly() {
        command(AgentCommandType.RESTART, INCARNATION - 1, null);
        String id = submit("noop", "", null);
        assertThat(outcome(id).getStatus()).as("still running after a RESTART for an older incarnation")
            .isEqualTo(TaskStatusType.SUCCEEDED);

        command(AgentCommandType.RESTART, INCARNATION, null);

        assertThat(agent.awaitExit()).isEqualTo(AgentExit.RESTART_REQUESTED);
        assertThat(AgentExit.RESTART_REQUESTED.code()).isEqualTo(3);
    }

    @Test
    void shouldTakeNoNewTaskWhileDrainingButFinishTheRunningOnes() throws Exception {
        String running = submit("sleep", "{\"ms\":1500}", null);
        await().atMost(WAIT).until(() -> history(running).contains(TaskStatusType.STARTED));

        command(AgentCommandType.DRAIN, null, null);
        await().atMost(WAIT).until(() -> heartbeats.values().stream()
            .anyMatch(b -> b.getState() == io.kafkasas.avro.AgentState.DRAINING));
        String later = submit("noop", "", null);

        assertThat(outcome(running).getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
            .until(() -> history(later).isEmpty());
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).as("a draining agent is not ready").isEqualTo(503);
        assertThat(health.body()).contains("DRAINING");
    }

    @Test
    void shouldServeHealthAndItsOwnMetrics() throws Exception {
        assertThat(outcome(submit("noop", "", null)).getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);

        assertThat(get("/health").statusCode()).isEqualTo(200);
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("sas_agent_tasks_outcomes_total{app=\"agent\",status=\"SUCCEEDED\"} 1.0",
            "sas_agent_tasks_running{app=\"agent\"}", "kafka_consumer_fetch_manager_records_consumed_total",
            "jvm_memory_used_bytes");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
            TestAuth.authorized(HttpRequest.newBuilder(URI.create(agent.httpUrl() + path))).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseAShellCommandOutsideTheAllowList() {
        String id = submit("shell", "{\"command\":\"rm\",\"args\":[\"-rf\",\"/\"]}", null);

        TaskStatus outcome = outcome(id);
        assertThat(outcome.getStatus()).isEqualTo(TaskStatusType.FAILED);
        assertThat(outcome.getError().getType()).isEqualTo("shell.not-allowed");
        assertThat(outcome.getError().getRetryable()).isFalse();
    }

    @Test
    void shouldKillAShellTaskPastItsDeadline() {
        Instant start = Instant.now();
        String id = submit("shell", "{\"command\":\"sleep\",\"args\":[\"30\"]}", 1_000L);

        TaskStatus outcome = outcome(id);
        assertThat(outcome.getStatus()).isEqualTo(TaskStatusType.TIMED_OUT);
        assertThat(outcome.getTimestamp()).isBefore(start.plusSeconds(15));
        await().atMost(WAIT).until(() -> ProcessHandle.current().descendants()
            .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 30")));
    }

    @Test
    void shouldCancelARunningTaskOnCommand() {
        String id = submit("sleep", "{\"ms\":60000}", null);
        await().atMost(WAIT).until(() -> history(id).contains(TaskStatusType.STARTED));

        command(AgentCommandType.CANCEL_TASK, null, id);

        TaskStatus outcome = outcome(id);
        assertThat(outcome.getStatus()).isEqualTo(TaskStatusType.CANCELLED);
        assertThat(outcome.getMessage()).isEqualTo("operator asked");
    }

    @Test
    void shouldDeadLetterUndecodableTasksAndRunTheOnesAround() throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = kafka.rawProducer();
             RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
                 List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
                 topics.deadLetters().valueSerde().deserializer())) {
            String before = submit("noop", "", null);
            raw.send(new ProducerRecord<>(topics.names().tasks("default"), "k".getBytes(), new byte[] {9, 9, 9}))
                .get();
            String after = submit("noop", "", null);

            assertThat(outcome(before).getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
            assertThat(outcome(after).getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
            await().atMost(WAIT).until(() -> letters.values().size() == 1);
            assertThat(letters.values().get(0).getProducedBy()).isEqualTo("agent agent-a");
        }
    }

    @Test
    void shouldReleaseRunningTasksWhenStoppedAndLeaveNoneBehind() {
        List<String> ids = List.of(submit("sleep", "{\"ms\":60000}", null), submit("sleep", "{\"ms\":60000}", null));
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> history(id).contains(TaskStatusType.STARTED)));

        agent.stop(AgentExit.STOPPED);

        assertThat(agent.awaitExit()).isEqualTo(AgentExit.STOPPED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(ids.stream().collect(Collectors.toMap(id -> id,
            this::history))).allSatisfy((id, history) -> assertThat(history)
                .containsExactly(TaskStatusType.STARTED, TaskStatusType.RELEASED)));
    }
}
