package io.kafkasas.scheduler.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.SchedulerDriver;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.ManualClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeTopologyTest {

    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private SchedulerDriver driver;
    private TestInputTopic<String, TaskRequest> requests;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestOutputTopic<String, TaskEvent> tasks;
    private TestOutputTopic<String, TaskEvent> batchTasks;
    private TestOutputTopic<String, TaskStatus> statuses;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new SchedulerDriver(stateDir, clock, Map.of("queues", "default,batch",
            SchedulerConfig.DEDUP_WINDOW_MS, Long.toString(Duration.ofHours(24).toMillis())));
        Topics topics = driver.topics();
        requests = driver.input(topics.taskRequests());
        rawRequests = driver.raw(topics.taskRequests());
        tasks = driver.output(topics.tasks("default"));
        batchTasks = driver.output(topics.tasks("batch"));
        statuses = driver.output(topics.taskStatus());
        deadLetters = driver.output(topics.deadLetters());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static TaskRequest.Builder request(String taskId) {
        return TaskRequest.newBuilder().setTaskId(taskId).setType("noop").setSubmittedAt(START);
    }

    @Test
    void shouldEmitFirstAttemptOnTheQueuesTopicAndNoStatus() {
        requests.pipeInput("t-1", request("t-1").setQueue("batch").setExecutionTimeoutMs(5_000L).build());

        TaskEvent event = batchTasks.readValue();
        assertThat(event.getTaskId()).isEqualTo("t-1");
        assertThat(event.getAttempt()).isEqualTo(1);
        assertThat(event.getExecutionTimeoutMs()).isEqualTo(5_000L);
        assertThat(event.getRetryPolicy().getMaxAttempts()).isEqualTo(3);
        assertThat(tasks.isEmpty()).isTrue();
        assertThat(statuses.isEmpty()).as("the event is what queued means: no record more").isTrue();
    }

    @Test
    void shouldPutEachTaskInTheLaneOfItsPriority() {
        TestOutputTopic<String, TaskEvent> high = driver.output(driver.topics().tasks("batch", Lane.HIGH));
        TestOutputTopic<String, TaskEvent> low = driver.output(driver.topics().tasks("batch", Lane.LOW));

        requests.pipeInput("urgent", request("urgent").setQueue("batch").setPriority(5).build());
        requests.pipeInput("later", request("later").setQueue("batch").setPriority(-1).build());
        requests.pipeInput("usual", request("usual").setQueue("batch").build());

        assertThat(high.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("urgent");
        assertThat(low.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("later");
        assertThat(batchTasks.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("usual");
    }

    @Test
    void shouldAssignATaskIdWhenTheRequestHasNone() {
        requests.pipeInput("key", request(null).build());

        var event = tasks.readKeyValue();
        assertThat(event.value.getTaskId()).isNotBlank();
        assertThat(event.key).isEqualTo(event.value.getTaskId());
    }

    @Test
    void shouldRejectAnInvalidRequestWithEveryReasonAndDeadLetterIt() {
        requests.pipeInput("t-2", request("t-2").setQueue("nope").setType("bad type!")
            .setExecutionTimeoutMs(-1L).setRetryPolicy(RetryPolicy.newBuilder().setInitialIntervalMs(Long.MAX_VALUE)
                .setMaxIntervalMs(Long.MAX_VALUE).setBackoffCoefficient(Double.POSITIVE_INFINITY).build()).build());

        assertThat(tasks.isEmpty()).isTrue();
        TaskStatus status = statuses.readValue();
        assertThat(status.getStatus()).isEqualTo(TaskStatusType.REJECTED);
        assertThat(status.getMessage()).contains("queue: unknown queue 'nope'", "type: must be",
            "executionTimeoutMs: must be between 1", "retryPolicy.initialIntervalMs: must be between 1 and",
            "retryPolicy.maxIntervalMs: must be between", "retryPolicy.backoffCoefficient: must be between 1.0 and");
        assertThat(status.getError().getRetryable()).isFalse();
        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_REQUEST);
        assertThat(letter.getTaskId()).isEqualTo("t-2");
        assertThat(letter.getOriginalValue()).isNotNull();
    }

    @Test
    void shouldDeadLetterUndecodableBytesAndGoOnWithTheNextRequest() {
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7};
        rawRequests.pipeInput("k".getBytes(), garbage);
        rawRequests.pipeInput("k".getBytes(), new byte[] {0, -1, -1, -1, -1, 2}); // schema id -1
        requests.pipeInput("t-3", request("t-3").build());

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
        assertThat(letter.getSourceOffset()).isZero();
        assertThat(deadLetters.readValue().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(tasks.readValue().getTaskId()).isEqualTo("t-3");
    }

    @Test
    void shouldKeepOnlyTheFirstOfRepeatsWithinTheWindow() {
        requests.pipeInput("order-1", request("first").setIdempotencyKey("order-1").build(), START);
        requests.pipeInput("order-1", request("second").setIdempotencyKey("order-1").build(),
            START.plus(Duration.ofHours(23)));

        assertThat(tasks.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("first");
        TaskStatus duplicate = statuses.readValue();
        assertThat(duplicate.getTaskId()).isEqualTo("second");
        assertThat(duplicate.getStatus()).isEqualTo(TaskStatusType.DUPLICATE);
        assertThat(duplicate.getDuplicateOf()).as("the task that runs").isEqualTo("first");
        requests.pipeInput("order-1", request("first").setIdempotencyKey("order-1").build(), START.plusSeconds(1));
        assertThat(statuses.isEmpty()).as("a repeat under the first request's own ids: no word").isTrue();
        assertThat(tasks.isEmpty()).isTrue();
    }

    @Test
    void shouldAcceptTheSameKeyAgainAfterTheWindow() {
        requests.pipeInput("order-2", request("first").setIdempotencyKey("order-2").build(), START);
        requests.pipeInput("order-2", request("later").setIdempotencyKey("order-2").build(),
            START.plus(Duration.ofHours(25)));

        assertThat(tasks.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("first", "later");
    }

    @Test
    void shouldHoldADelayedTaskUntilItsTimeOnTheWallClock() {
        requests.pipeInput("t-4", request("t-4").setNotBefore(START.plus(Duration.ofDays(3))).build());
        requests.pipeInput("t-5", request("t-5").setNotBefore(START.plusSeconds(2)).build());

        assertThat(statuses.readValuesToList()).extracting(TaskStatus::getStatus)
            .containsExactly(TaskStatusType.QUEUED, TaskStatusType.QUEUED);
        assertThat(tasks.isEmpty()).isTrue();
        advance(Duration.ofMillis(1_900));
        assertThat(tasks.isEmpty()).isTrue();
        advance(Duration.ofMillis(300));
        List<TaskEvent> due = tasks.readValuesToList();
        assertThat(due).extracting(TaskEvent::getTaskId).containsExactly("t-5");
        assertThat(due.get(0).getEmittedAt()).isAfterOrEqualTo(START.plusSeconds(2));
        advance(Duration.ofDays(3));
        assertThat(tasks.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("t-4");
        advance(Duration.ofDays(1));
        assertThat(tasks.isEmpty()).isTrue();
    }

    private void advance(Duration by) {
        driver.advance(by);
    }

    @Test
    void shouldNameEveryNodeAndStoreExplicitly() {
        String description = driver.topology().describe().toString();

        assertThat(description).contains("Source: " + IntakeTopology.SOURCE, "Processor: " + IntakeTopology.INTAKE,
            "stores: [" + IntakeTopology.DEDUP_STORE + ", " + IntakeTopology.DELAYED_STORE + "]",
            "Sink: " + IntakeTopology.TASKS_SINK, "Sink: " + IntakeTopology.STATUS_SINK,
            "Sink: " + IntakeTopology.DEAD_LETTER_SINK);
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }
}
