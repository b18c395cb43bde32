package io.kafkasas.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.handler.Handlers;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.topics.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker pool against a recording producer: outcomes, deadlines, cancellation and release. */
class RunnerTest {

    private final MockProducer<byte[], IndexedRecord> producer = new MockProducer<>(true, null,
        new ByteArraySerializer(), (topic, value) -> new byte[0]);
    private Runner runner;

    @BeforeEach
    void start() {
        Contracts.trust();
        Reporter reporter = new Reporter(producer, TopicNames.defaults(),
            new AgentIdentity("agent-1", "host", 7, List.of("default"), 2), Clock.systemUTC());
        Handlers handlers = Handlers.load(List.of("sleep", "noop", "stubborn"), List.of(), name -> Map.of(),
            Map.of(), getClass().getClassLoader());
        runner = new Runner(2, handlers, reporter, Duration.ofMillis(300), 1024, new SimpleMeterRegistry(), () -> { });
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private static TaskEvent task(String id, String type, String payload, Long timeoutMs) {
        Instant now = Instant.now();
        return TaskEvent.newBuilder().setTaskId(id).setAttempt(1).setQueue("default").setType(type)
            .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).setExecutionTimeoutMs(timeoutMs)
            .setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(now).setEmittedAt(now).build();
    }

    private List<TaskStatus> outcomes(String taskId) {
        return producer.history().stream().map(ProducerRecord::value).filter(TaskStatus.class::isInstance)
            .map(TaskStatus.class::cast).filter(s -> s.getTaskId().equals(taskId))
            .filter(s -> s.getStatus() != TaskStatusType.PROGRESS).toList();
    }

    @Test
    void shouldReportSucceededWithTheAgentAndAttempt() {
        runner.start(task("t-1", "noop", "", null), Instant.now());

        await().until(() -> outcomes("t-1").size() == 1);
        TaskStatus status = outcomes("t-1").get(0);
        assertThat(status.getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
        assertThat(status.getAgentId()).isEqualTo("agent-1");
        assertThat(status.getIncarnation()).isEqualTo(7L);
        assertThat(status.getAttempt()).isEqualTo(1);
    }

    @Test
    void shouldTimeOutATaskPastItsExecutionTimeout() throws InterruptedException {
        runner.start(task("t-2", "sleep", "{\"ms\":30000}", 200L), Instant.now());

        assertThat(runner.awaitIdle(Duration.ofSeconds(5))).isTrue();
        List<TaskStatus> statuses = outcomes("t-2");
        assertThat(statuses).extracting(TaskStatus::getStatus).containsExactly(TaskStatusType.TIMED_OUT);
        assertThat(statuses.get(0).getError().getRetryable()).isTrue();
    }

    @Test
    void shouldFailAnUnknownTaskTypeForGood() {
        runner.start(task("t-3", "teleport", "", null), Instant.now());

        await().until(() -> outcomes("t-3").size() == 1);
        TaskStatus status = outcomes("t-3").get(0);
        assertThat(status.getStatus()).isEqualTo(TaskStatusType.FAILED);
        assertThat(status.getError().getType()).isEqualTo("agent.no-handler");
        assertThat(status.getError().getRetryable()).isFalse();
    }

    @Test
    void shouldCancelARunningTaskOnce() {
        runner.start(task("t-4", "sleep", "{\"ms\":30000}", null), Instant.now());
        await().until(() -> runner.freeSlots() == 1);

        assertThat(runner.cancel("t-4", 1, "operator")).isTrue();
        assertThat(runner.cancel("t-4", 1, "again")).isFalse();
        await().until(() -> runner.freeSlots() == 2);
        assertThat(outcomes("t-4")).extracting(TaskStatus::getStatus).containsExactly(TaskStatusType.CANCELLED);
    }

    @Test
    void shouldReleaseEveryRunningTaskEvenOneThatIgnoresCancellation() throws InterruptedException {
        runner.start(task("t-5", "sleep", "{\"ms\":30000}", null), Instant.now());
        runner.start(task("t-6", "stubborn", "", null), Instant.now());
        await().until(() -> runner.freeSlots() == 0);

        runner.releaseAll("agent stopping");

        assertThat(outcomes("t-5")).extracting(TaskStatus::getStatus).containsExactly(TaskStatusType.RELEASED);
        assertThat(outcomes("t-6")).extracting(TaskStatus::getStatus).containsExactly(TaskStatusType.RELEASED);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.freeSlots() == 2);
        assertThat(outcomes("t-6")).hasSize(1);
    }
}
