package io.kafkasas.supervisor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.schemas.Contracts;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskFilterTest {

    static { // the builders below fill enum defaults, which Avro allows for trusted classes only
        Contracts.trust();
    }

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final SupervisedTask RUNNING = SupervisedTask.newBuilder().setTaskId("t")
        .setState(SupervisedTaskState.RUNNING).setAttempt(1).setAgentId("a-1").setUpdatedAt(NOW)
        .setEvent(TaskEvent.newBuilder().setTaskId("t").setAttempt(1).setQueue("default").setType("shell")
            .setSubmittedBy("ci").setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(NOW)
            .setEmittedAt(NOW).build()).build();

    @Test
    void shouldMatchOnlyWhenEveryFieldGivenMatches() {
        assertThat(TaskFilter.of(Map.of())).accepts(RUNNING);
        assertThat(TaskFilter.of(Map.of("state", "running", "type", "shell", "queue", "default", "submitter", "ci",
            "agent", "a-1"))).accepts(RUNNING);
        assertThat(TaskFilter.of(Map.of("state", "", "type", " "))).as("blank is no filter").accepts(RUNNING);
        assertThat(TaskFilter.of(Map.of("state", "SUCCEEDED"))).rejects(RUNNING);
        assertThat(TaskFilter.of(Map.of("type", "noop"))).rejects(RUNNING);
        assertThat(TaskFilter.of(Map.of("queue", "other"))).rejects(RUNNING);
        assertThat(TaskFilter.of(Map.of("submitter", "someone"))).rejects(RUNNING);
        assertThat(TaskFilter.of(Map.of("agent", "a-2"))).rejects(RUNNING);
    }

    @Test
    void shouldMatchATaskALimitHoldsOnlyByItsState() {
        SupervisedTask held = SupervisedTask.newBuilder().setTaskId("h").setState(SupervisedTaskState.QUEUED)
            .setHeldByLimit("billing-api").setUpdatedAt(NOW).build();

        assertThat(TaskFilter.of(Map.of("state", "QUEUED"))).accepts(held);
        assertThat(TaskFilter.of(Map.of("type", "shell"))).rejects(held);
    }
}
