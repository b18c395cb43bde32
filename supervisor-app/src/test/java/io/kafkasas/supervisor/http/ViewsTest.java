package io.kafkasas.supervisor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostSlot;
import io.kafkasas.avro.HostSlotState;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.schemas.Contracts;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class ViewsTest {

    static { // the builders below fill enum defaults, which Avro allows for trusted classes only
        Contracts.trust();
    }

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static HostHeartbeat host(HostState state, Instant sent) {
        return HostHeartbeat.newBuilder().setHostId("h").setSequence(1).setTimestamp(sent).setState(state).setPid(1L)
            .setSlots(List.of(HostSlot.newBuilder().setSlot(1).setAgentId("h-1").setState(HostSlotState.BACKING_OFF)
                .setIncarnation(9L).setRestarts(3).build()))
            .build();
    }

    private static Map<String, Object> agent(String state) {
        return new HashMap<>(Map.of("agentId", "h-1", "hostId", "h", "state", state));
    }

    @Test
    void shouldSayWhoRestartsADeadAgent() {
        Map<String, Object> byHost = agent("DEAD");
        Views.addHost(byHost, host(HostState.RUNNING, NOW.minusSeconds(1)), NOW, TIMEOUT);
        Map<String, Object> silentHost = agent("DEAD");
        Views.addHost(silentHost, host(HostState.RUNNING, NOW.minusSeconds(6)), NOW, TIMEOUT);
        Map<String, Object> stoppedHost = agent("DEAD");
        Views.addHost(stoppedHost, host(HostState.STOPPED, NOW), NOW, TIMEOUT);
        Map<String, Object> noHost = agent("DEAD");
        Views.addHost(noHost, null, NOW, TIMEOUT);
        Map<String, Object> alive = agent("ALIVE");
        Views.addHost(alive, host(HostState.RUNNING, NOW), NOW, TIMEOUT);

        assertThat(byHost).containsEntry("restart", "BY_HOST");
        @SuppressWarnings("unchecked")
        Map<String, Object> slot = (Map<String, Object>) ((Map<String, Object>) byHost.get("host")).get("slot");
        assertThat(slot).containsEntry("state", "BACKING_OFF").containsEntry("restarts", 3);
        assertThat(silentHost).containsEntry("restart", "HOST_GONE");
        assertThat(silentHost.get("host")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("state", "GONE");
        assertThat(stoppedHost).containsEntry("restart", "HOST_GONE");
        assertThat(noHost).containsEntry("restart", "EXTERNAL").doesNotContainKey("host");
        assertThat(alive).doesNotContainKey("restart");
    }

    @Test
    void shouldSayWhatAQueuedTaskWaitsFor() {
        SupervisedTask held = SupervisedTask.newBuilder().setTaskId("t").setState(SupervisedTaskState.QUEUED)
            .setHeldByLimit("billing-api").setUpdatedAt(NOW).build();
        SupervisedTask onLane = SupervisedTask.newBuilder(held).setAttempt(1).setEvent(TaskEvent.newBuilder()
            .setTaskId("t").setAttempt(1).setQueue("default").setType("noop").setLimitKey("billing-api")
            .setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(NOW).setEmittedAt(NOW).build()).build();
        SupervisedTask running = SupervisedTask.newBuilder(onLane).setState(SupervisedTaskState.RUNNING).build();

        assertThat(Views.task(held)).containsEntry("waitingFor", "LIMIT").containsEntry("limitKey", "billing-api");
        assertThat(Views.task(onLane)).containsEntry("waitingFor", "AGENT_SLOT");
        assertThat(Views.task(running)).containsEntry("waitingFor", null);
    }
}
