package io.kafkasas.scheduler.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.SchedulerDriver;
import io.kafkasas.schemas.Limits;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitTopologyTest {

    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    private SchedulerDriver driver;
    private TestInputTopic<String, TaskRequest> requests;
    private TestInputTopic<String, Limit> limits;
    private TestInputTopic<String, TaskEvent> limited;
    private TestInputTopic<String, TaskStatus> statuses;
    private TestOutputTopic<String, TaskEvent> normal;
    private TestOutputTopic<String, TaskEvent> high;
    private TestOutputTopic<String, TaskEvent> low;
    private TestOutputTopic<String, TaskStatus> queued;
    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new SchedulerDriver(stateDir, clock, Map.of());
        Topics topics = driver.topics();
        requests = driver.input(topics.taskRequests());
        limits = driver.input(topics.limits());
        limited = driver.input(topics.limitedTasks());
        statuses = driver.input(topics.taskStatus());
        normal = driver.output(topics.tasks("default", Lane.NORMAL));
        high = driver.output(topics.tasks("default", Lane.HIGH));
        low = driver.output(topics.tasks("default", Lane.LOW));
        queued = driver.output(topics.taskStatus());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void limit(String key, Double rate, Integer running) {
        limits.pipeInput(key, Limit.newBuilder().setKey(key).setStartsPerSecond(rate).setMaxRunning(running)
            .setUpdatedAt(clock.instant()).build());
    }

    private void submit(String taskId, String limitKey, int priority) {
        requests.pipeInput(taskId, TaskRequest.newBuilder().setTaskId(taskId).setType("noop").setLimitKey(limitKey)
            .setPriority(priority).setSubmittedAt(clock.instant()).build());
    }

    private void ended(TaskEvent event, TaskStatusType type) {
        statuses.pipeInput(event.getTaskId(), Statuses.of(event, type, clock.instant()).setAgentId("a-1").build());
    }

    @Test
    void shouldReleaseNoMoreThanTheRateAllowsEachSecond() {
        limit("billing-api", 10.0, null);
        for (int i = 0; i < 100; i++) {
            submit("t-" + i, "billing-api", 0);
        }
        List<Integer> perSecond = new ArrayList<>();
        int first = normal.readValuesToList().size();
        for (int second = 0; second < 5; second++) {
            for (int tick = 0; tick < 50; tick++) {
                driver.advance(Duration.ofMillis(20));
            }
            perSecond.add(normal.readValuesToList().size());
        }
        assertThat(first).as("a burst of a quarter of a second").isEqualTo(2);
        assertThat(perSecond).allSatisfy(n -> assertThat(n).isBetween(9, 10));
        assertThat(perSecond.stream().mapToInt(Integer::intValue).sum()).isEqualTo(50);
    }

    @Test
    void shouldCatchUpAfterAPauseWithTasksWaitingButNotSaveUpWhileIdle() {
        limit("billing-api", 10.0, null);
        for (int i = 0; i < 30; i++) {
            submit("t-" + i, "billing-api", 0);
        }
        normal.readValuesToList(); // the first burst
        driver.advance(Duration.ofMillis(800)); // a pause of the stream thread: no tick in between
        assertThat(normal.readValuesToList()).as("the 8 starts of the pause, late, not lost").hasSize(8);

        for (int tick = 0; tick < 150; tick++) { // the other 20 go within 3 s; then the key is idle
            driver.advance(Duration.ofMillis(20));
        }
        assertThat(normal.readValuesToList()).hasSize(20);
        driver.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 30; i++) {
            submit("u-" + i, "billing-api", 0);
        }
        assertThat(normal.readValuesToList()).as("an idle key saved a quarter of a second only").hasSize(2);
    }

    @Test
    void shouldKeepAtMostMaxRunningAndGiveAPlaceBackOnlyWhenTheAttemptEnds() {
        limit("deploy-prod", null, 1);
        submit("d-1", "deploy-prod", 0);
        submit("d-2", "deploy-prod", 0);
        submit("d-3", "deploy-prod", 0);
        List<TaskEvent> out = normal.readValuesToList();
        assertThat(out).extracting(TaskEvent::getTaskId).containsExactly("d-1");
        assertThat(out.get(0).getLimitKey()).isEqualTo("deploy-prod");
        assertThat(queued.readValuesToList()).as("the supervisor learns what the limit holds")
            .allSatisfy(s -> assertThat(s.getMessage()).isEqualTo("held by limit deploy-prod"))
            .extracting(TaskStatus::getTaskId, TaskStatus::getStatus, TaskStatus::getAttempt)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("d-1", TaskStatusType.QUEUED, 0),
                org.assertj.core.groups.Tuple.tuple("d-2", TaskStatusType.QUEUED, 0),
                org.assertj.core.groups.Tuple.tuple("d-3", TaskStatusType.QUEUED, 0));

        ended(TaskEvent.newBuilder(out.get(0)).build(), TaskStatusType.STARTED); // not an ending
        driver.advance(Duration.ofSeconds(5));
        assertThat(normal.readValuesToList()).isEmpty();

        ended(out.get(0), TaskStatusType.SUCCEEDED);
        TaskEvent second = normal.readValuesToList().get(0);
        assertThat(second.getTaskId()).isEqualTo("d-2");

        // d-2's agent dies: nothing is released until the supervisor re-emits d-2 (its verdict), and then d-2
        // itself waits behind d-3, which came first
        driver.advance(Duration.ofSeconds(30));
        assertThat(normal.readValuesToList()).isEmpty();
        limited.pipeInput("deploy-prod", TaskEvent.newBuilder(second).setAttempt(2)
            .setEmitReason(EmitReason.AGENT_DEAD).build());
        assertThat(normal.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("d-3");
        // a late word of d-2's first attempt changes nothing
        ended(second, TaskStatusType.FAILED);
        assertThat(normal.readValuesToList()).isEmpty();
        ended(TaskEvent.newBuilder(second).setTaskId("d-3").build(), TaskStatusType.SUCCEEDED);
        assertThat(normal.readValuesToList()).extracting(TaskEvent::getTaskId, TaskEvent::getAttempt)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("d-2", 2));
    }

    @Test
    void shouldDropATaskCancelledWhileHeldWithoutTakingAPlace() {
        limit("deploy-prod", null, 1);
        submit("c-1", "deploy-prod", 0);
        submit("c-2", "deploy-prod", 0);
        submit("c-3", "deploy-prod", 0);
        TaskEvent first = normal.readValuesToList().get(0);
        // the supervisor's word on c-2, held: CANCELLED, attempt 0, naming the limit that holds it
        statuses.pipeInput("c-2", TaskStatus.newBuilder().setTaskId("c-2").setAttempt(0)
            .setStatus(TaskStatusType.CANCELLED).setTimestamp(clock.instant()).setLimitKey("deploy-prod").build());

        ended(first, TaskStatusType.SUCCEEDED);

        assertThat(normal.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("c-3");
        assertThat(driver.<io.kafkasas.avro.LimitUse>store(LimitTopology.USE_STORE).get("deploy-prod"))
            .satisfies(use -> {
                assertThat(LimitGate.waiting(use)).isZero();
                assertThat(use.getRunning()).isEqualTo(1);
            });
    }

    @Test
    void shouldLimitEveryTaskOfALimitedTypeAndNoOther() {
        submit("before", null, 0);
        assertThat(normal.readValuesToList()).extracting(TaskEvent::getLimitKey).containsExactly((String) null);
        limit(Limits.ofType("noop"), null, 1);
        submit("n-1", null, 0);
        submit("n-2", null, 0);
        requests.pipeInput("s-1", TaskRequest.newBuilder().setTaskId("s-1").setType("sleep")
            .setSubmittedAt(clock.instant()).build());
        assertThat(normal.readValuesToList()).extracting(TaskEvent::getTaskId, TaskEvent::getLimitKey)
            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("n-1", "type:noop"),
                org.assertj.core.groups.Tuple.tuple("s-1", null));

        limits.pipeInput(Limits.ofType("noop"), null); // removed: what it held goes
        driver.advance(Duration.ofMillis(20));
        assertThat(normal.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactly("n-2");
    }

    @Test
    void shouldReleaseHigherPrioritiesFirstWithoutStarvingLowerOnes() {
        limit("api", null, 1);
        submit("first", "api", 0);
        TaskEvent running = normal.readValuesToList().get(0);
        for (int i = 0; i < 20; i++) {
            submit("low-" + i, "api", -1);
        }
        for (int i = 0; i < 20; i++) {
            submit("high-" + i, "api", 5);
        }
        List<String> order = new ArrayList<>();
        TaskEvent current = running;
        for (int i = 0; i < 20; i++) {
            ended(current, TaskStatusType.SUCCEEDED);
            List<TaskEvent> next = new ArrayList<>(high.readValuesToList());
            next.addAll(low.readValuesToList());
            assertThat(next).hasSize(1);
            current = next.get(0);
            order.add(current.getTaskId());
        }
        assertThat(order.subList(0, 9)).allMatch(id -> id.startsWith("high-"));
        assertThat(order.get(9)).isEqualTo("low-0");
        assertThat(order.stream().filter(id -> id.startsWith("low-")).count()).isEqualTo(2);
    }

    @Test
    void shouldLetTasksOfAKeyWithoutALimitThroughAtOnce() {
        for (int i = 0; i < 5; i++) {
            submit("f-" + i, "free", 0);
        }
        assertThat(normal.readValuesToList()).hasSize(5);
    }

    @Test
    void shouldRefuseALimitedTaskUnderAKeyThatIsNotItsLimit() {
        TaskEvent stranger = TaskEvent.newBuilder().setTaskId("x").setAttempt(1).setQueue("default").setType("noop")
            .setRetryPolicy(io.kafkasas.avro.RetryPolicy.newBuilder().build()).setSubmittedAt(START)
            .setEmittedAt(START).setLimitKey("other").build();
        assertThatThrownBy(() -> limited.pipeInput("billing-api", stranger)).isInstanceOf(StreamsException.class)
            .rootCause().hasMessageContaining("counts against limit 'other'");
        assertThatThrownBy(() -> limits.pipeInput("k", Limit.newBuilder().setKey("k").setStartsPerSecond(-1.0)
            .setUpdatedAt(START).build())).hasStackTraceContaining("an invalid limit: startsPerSecond");
    }
}
