package io.kafkasas.supervisor.http;

import io.kafkasas.avro.AttemptRecord;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskError;
import io.kafkasas.schemas.serde.RecordViews;
import io.kafkasas.schemas.topics.Lane;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shapes of the query API: plain maps, times as ISO-8601. */
final class Views {

    private Views() {
    }

    static Map<String, Object> task(SupervisedTask task) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("taskId", task.getTaskId());
        view.put("state", task.getState().name());
        view.put("attempt", task.getAttempt());
        view.put("agentId", task.getAgentId());
        view.put("startedAt", time(task.getStartedAt()));
        view.put("deadline", time(task.getDeadline()));
        view.put("retryAt", time(task.getRetryAt()));
        view.put("failures", task.getFailures());
        view.put("staleResults", task.getStaleResults());
        view.put("error", error(task.getLastError()));
        view.put("queue", task.getEvent() == null ? null : task.getEvent().getQueue());
        view.put("type", task.getEvent() == null ? null : task.getEvent().getType());
        view.put("priority", task.getEvent() == null ? null : task.getEvent().getPriority());
        view.put("lane", task.getEvent() == null ? null : Lane.of(task.getEvent().getPriority()).name());
        view.put("submittedBy", task.getEvent() == null ? null : task.getEvent().getSubmittedBy());
        view.put("limitKey", task.getEvent() != null ? task.getEvent().getLimitKey() : task.getHeldByLimit());
        view.put("waitingFor", waitingFor(task));
        view.put("attempts", task.getAttempts().stream().map(Views::attempt).toList());
        view.put("updatedAt", time(task.getUpdatedAt()));
        putResult(view, task.getResult());
        return view;
    }

    /**
     * What a queued task waits for: its limit, while the scheduler holds it (sasctl limits says whether the rate or
     * the running count holds it), or a free slot of an agent that reads its lane, once it is on the lane.
     */
    private static String waitingFor(SupervisedTask task) {
        if (task.getState() != SupervisedTaskState.QUEUED) {
            return null;
        }
        if (task.getEvent() == null) {
            return task.getHeldByLimit() != null ? "LIMIT" : null;
        }
        return "AGENT_SLOT";
    }

    /** {@code result} as text when it is UTF-8, else {@code resultBase64}; neither before SUCCEEDED or when empty. */
    private static void putResult(Map<String, Object> view, ByteBuffer result) {
        if (result == null || !result.hasRemaining()) {
            return;
        }
        byte[] bytes = new byte[result.remaining()];
        result.duplicate().get(bytes);
        try {
            view.put("result", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            view.put("resultBase64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static Map<String, Object> attempt(AttemptRecord attempt) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("attempt", attempt.getAttempt());
        view.put("agentId", attempt.getAgentId());
        view.put("startedAt", time(attempt.getStartedAt()));
        view.put("endedAt", time(attempt.getEndedAt()));
        view.put("outcome", attempt.getOutcome().name());
        view.put("error", error(attempt.getError()));
        return view;
    }

    static Map<String, Object> agent(SupervisedAgent agent) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("agentId", agent.getAgentId());
        view.put("hostId", agent.getHostId());
        view.put("incarnation", agent.getIncarnation());
        view.put("state", agent.getLiveness().name());
        view.put("activity", agent.getActivity() == null ? null : agent.getActivity().name());
        view.put("lastHeartbeatAt", time(agent.getLastHeartbeatAt()));
        view.put("inFlight", agent.getInFlight().size());
        view.put("capacity", agent.getCapacity());
        view.put("freeSlots", agent.getFreeSlots());
        view.put("restarts", agent.getRestarts());
        view.put("deadAt", time(agent.getDeadAt()));
        return view;
    }

    /** RUNNING or STOPPING as the host says; STOPPED after its last word; GONE when silent for {@code timeout}. */
    static String hostState(HostHeartbeat host, Instant now, Duration timeout) {
        if (host.getState() == HostState.STOPPED) {
            return HostState.STOPPED.name();
        }
        return Duration.between(host.getTimestamp(), now).compareTo(timeout) > 0 ? "GONE" : host.getState().name();
    }

    static Map<String, Object> host(HostHeartbeat host, Instant now, Duration timeout) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("hostId", host.getHostId());
        view.put("state", hostState(host, now, timeout));
        view.put("lastHeartbeatAt", time(host.getTimestamp()));
        view.put("pid", host.getPid());
        view.put("slots", host.getSlots().stream().map(RecordViews::of).toList());
        return view;
    }

    /**
     * Adds to an agent's view where it lives and, once it is DEAD, who brings it back: {@code BY_HOST} (its host
     * runs), {@code HOST_GONE} (its host stopped or went silent: nobody will), {@code EXTERNAL} (not under a host:
     * a container runtime or an operator).
     */
    static void addHost(Map<String, Object> agent, HostHeartbeat host, Instant now, Duration timeout) {
        String state = host == null ? null : hostState(host, now, timeout);
        if (host != null) {
            Map<String, Object> hostView = new LinkedHashMap<>();
            hostView.put("state", state);
            hostView.put("lastHeartbeatAt", time(host.getTimestamp()));
            host.getSlots().stream().filter(s -> s.getAgentId().equals(agent.get("agentId"))).findFirst()
                .ifPresent(s -> hostView.put("slot", RecordViews.of(s)));
            agent.put("host", hostView);
        }
        if (Liveness.DEAD.name().equals(agent.get("state"))) {
            agent.put("restart", host == null ? "EXTERNAL"
                : "GONE".equals(state) || HostState.STOPPED.name().equals(state) ? "HOST_GONE" : "BY_HOST");
        }
    }

    private static Map<String, Object> error(TaskError error) {
        if (error == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", error.getType());
        view.put("message", error.getMessage());
        view.put("retryable", error.getRetryable());
        return view;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
