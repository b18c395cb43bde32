package io.kafkasas.supervisor.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.DeathCause;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.supervisor.SupervisorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The task state machine's decisions, without Kafka: a task and one input in, a decision out. */
class TaskMachineTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private final TaskMachine machine = new TaskMachine(Duration.ofSeconds(2), new Backoff(0, () -> 0.5),
        new Outputs(TopicNames.defaults(), () -> "c-1"), new SupervisorMetrics(new SimpleMeterRegistry()));

    @BeforeAll
    static void trust() {
        Contracts.trust();
    }

    private SupervisedTask running(String agent, long incarnation, Long timeoutMs) {
        TaskEvent event = TaskEvent.newBuilder().setTaskId("t").setAttempt(1).setQueue("default").setType("noop")
            .setExecutionTimeoutMs(timeoutMs).setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(3).build())
            .setSubmittedAt(NOW).setEmittedAt(NOW).build();
        SupervisedTask queued = machine.onEvent(null, event, NOW).task();
        return machine.onStatus(queued, TaskStatus.newBuilder().setTaskId("t").setAttempt(1)
            .setStatus(TaskStatusType.STARTED).setTimestamp(NOW).setAgentId(agent).setIncarnation(incarnation).build(),
            NOW).task();
    }

    private static AgentDeath death(String agent, long incarnation) {
        return AgentDeath.newBuilder().setAgentId(agent).setIncarnation(incarnation).setCause(DeathCause.SILENT)
            .setDeclaredAt(NOW).build();
    }

    @Test
    void shouldOrphanAnAttemptOfTheDeadIncarnationOrAnOlderOneAndNoOther() {
        assertThat(machine.onAgentGone(running("a", 2, null), death("a", 1), NOW).task()).as("newer").isNull();
        assertThat(machine.onAgentGone(running("a", 2, null), death("b", 2), NOW).task()).as("another").isNull();

        TaskMachine.Decision orphaned = machine.onAgentGone(running("a", 1, null), death("a", 2), NOW);

        assertThat(orphaned.task().getState()).isEqualTo(SupervisedTaskState.QUEUED);
        assertThat(orphaned.task().getAttempt()).isEqualTo(2);
        assertThat(orphaned.task().getAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getOutcome()).isEqualTo(TaskStatusType.FAILED);
            assertThat(a.getError().getType()).isEqualTo(Wire.AGENT_DEAD_ERROR);
        });
        assertThat(orphaned.outputs()).extracting(o -> o.value() instanceof TaskEvent e ? e.getEmitReason()
            : ((TaskStatus) o.value()).getStatus()).containsExactly(TaskStatusType.FAILED, EmitReason.AGENT_DEAD);
    }

    @Test
    void shouldTakeItsOwnOrphaningNoticeReadBackAsThePastAndNotAsAStaleResult() {
        TaskMachine.Decision orphaned = machine.onAgentGone(running("a", 1, null), death("a", 1), NOW);
        TaskStatus notice = (TaskStatus) orphaned.outputs().get(0).value();

        TaskMachine.Decision readBack = machine.onStatus(orphaned.task(), notice, NOW);

        assertThat(readBack.task()).isNull();
        assertThat(readBack.outputs()).isEmpty();
    }

    @Test
    void shouldKeepOneTimerPerTaskDerivedFromItsRecord() {
        assertThat(machine.timerOf(running("a", 1, null))).as("no deadline").isNull();
        assertThat(machine.timerOf(running("a", 1, 1_000L))).isEqualTo(NOW.plusSeconds(3)); // + 2 s grace

        TaskMachine.Decision failed = machine.onStatus(running("a", 1, null), TaskStatus.newBuilder().setTaskId("t")
            .setAttempt(1).setStatus(TaskStatusType.FAILED).setTimestamp(NOW).setAgentId("a").setIncarnation(1L)
            .build(), NOW);

        assertThat(failed.task().getState()).isEqualTo(SupervisedTaskState.RETRY_WAIT);
        Instant retryAt = machine.timerOf(failed.task());
        assertThat(retryAt).isAfter(NOW);
        assertThat(machine.onTimer(failed.task(), retryAt.minusMillis(1)).task()).as("not yet").isNull();
        assertThat(machine.onTimer(failed.task(), retryAt).task().getAttempt()).isEqualTo(2);
    }
}
