package io.kafkasas.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.bench.TaskTrail.Start;
import io.kafkasas.ops.local.LocalApps;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One round of the crash benchmark: {@code kill -9} of one app, started again at once (by the bench, or for an
 * agent by its host), and two times from the kill: until it answers again (HTTP, or the host shows it running), and
 * until it is at work (a task submitted after the kill started; the supervisor shows a task submitted after the
 * kill SUCCEEDED; the restarted agent started a task).
 */
final class RestartRun {

    /** The app that is killed. */
    enum App { SCHEDULER, SUPERVISOR, AGENT }

    /** Milliseconds from the kill until it answered and until it was at work; -1 if not within the time-out. */
    record Result(App app, long answersMs, long atWorkMs) {
    }

    private static final long PROBE_EVERY_MS = 100;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * An agent killed again soon after its last crash waits out its host's back-off (1, 2, 4 ... s, as Kubernetes'
     * CrashLoopBackOff), which is policy, not recovery: each agent round kills the agent killed longest ago, once
     * its process has run for the host's {@code host.restart.stable.ms} (60 s), which resets the back-off.
     */
    private static final Duration ISOLATED = Duration.ofSeconds(65);

    /** When each agent was last killed, for {@link #ISOLATED}. */
    private final Map<String, Long> agentKilledAt = new HashMap<>();

    Result round(App app, LocalApps apps, TaskClient client, TaskTrail trail, Duration timeout) throws Exception {
        return switch (app) {
            case SCHEDULER -> scheduler(apps, trail, timeout);
            case SUPERVISOR -> supervisor(apps, client, timeout);
            case AGENT -> agent(apps, client, trail, timeout);
        };
    }

    /** At work: a task submitted over HTTP after the kill has started on an agent. */
    private static Result scheduler(LocalApps apps, TaskTrail trail, Duration timeout) throws Exception {
        long killedAt = System.currentTimeMillis();
        apps.crashScheduler();
        long answered = -1;
        List<String> accepted = new ArrayList<>();
        long deadline = killedAt + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> answer = HTTP.send(apps.authorized(HttpRequest.newBuilder(URI.create(apps
                        .schedulerUrl() + "/tasks"))).timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"noop\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                answered = answered < 0 ? System.currentTimeMillis() - killedAt : answered;
                if (answer.statusCode() == 202) {
                    accepted.add(HttpApi.JSON.readTree(answer.body()).get("taskId").asText());
                }
            } catch (IOException e) {
                // not listening yet
            }
            long started = accepted.stream().flatMap(id -> trail.of(id).starts.stream()).mapToLong(Start::at).min()
                .orElse(-1);
            if (started > 0) {
                return new Result(App.SCHEDULER, answered, started - killedAt);
            }
            TimeUnit.MILLISECONDS.sleep(PROBE_EVERY_MS);
        }
        return new Result(App.SCHEDULER, answered, -1);
    }

    /** At work: the supervisor shows a task submitted after the kill (and run meanwhile) SUCCEEDED. */
    private static Result supervisor(LocalApps apps, TaskClient client, Duration timeout) throws Exception {
        long killedAt = System.currentTimeMillis();
        apps.crashSupervisor();
        String probe = client.submit(TaskClient.request("noop").build()).get();
        long answered = -1;
        long deadline = killedAt + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                JsonNode task = apps.askSupervisor("/tasks/" + probe);
                answered = answered < 0 ? System.currentTimeMillis() - killedAt : answered;
                if ("SUCCEEDED".equals(task.path("state").asText())) {
                    return new Result(App.SUPERVISOR, answered, System.currentTimeMillis() - killedAt);
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(PROBE_EVERY_MS);
        }
        return new Result(App.SUPERVISOR, answered, -1);
    }

    /** At work: the agent's new process started a task; it answers once its host shows it running. */
    private Result agent(LocalApps apps, TaskClient client, TaskTrail trail, Duration timeout) throws Exception {
        JsonNode victim = null;
        for (JsonNode slot : apps.slots()) {
            if ("RUNNING".equals(slot.get("state").asText()) && (victim == null
                || killedAt(slot) < killedAt(victim))) {
                victim = slot;
            }
        }
        if (victim == null) {
            throw new IllegalStateException("No agent is running");
        }
        String agentId = victim.get("agentId").asText();
        TimeUnit.MILLISECONDS.sleep(Math.max(0, killedAt(victim) + ISOLATED.toMillis() - System.currentTimeMillis()));
        victim = slotOf(apps, agentId);
        long incarnation = victim.get("incarnation").asLong();
        long killedAt = System.currentTimeMillis();
        agentKilledAt.put(agentId, killedAt);
        ChildJvm.signal("KILL", victim.get("pid").asLong());
        long answered = -1;
        List<String> probes = new ArrayList<>();
        long deadline = killedAt + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            probes.add(client.submit(TaskClient.request("noop").build()).get());
            if (answered < 0) {
                for (JsonNode slot : apps.slots()) {
                    if (slot.get("agentId").asText().equals(agentId) && "RUNNING".equals(slot.get("state").asText())
                        && slot.get("incarnation").asLong() > incarnation) {
                        answered = System.currentTimeMillis() - killedAt;
                    }
                }
            }
            long started = probes.stream().flatMap(id -> trail.of(id).starts.stream())
                .filter(s -> s.agentId().equals(agentId) && s.incarnation() > incarnation).mapToLong(Start::at).min()
                .orElse(-1);
            if (started > 0) {
                return new Result(App.AGENT, answered, started - killedAt);
            }
            TimeUnit.MILLISECONDS.sleep(PROBE_EVERY_MS);
        }
        return new Result(App.AGENT, answered, -1);
    }

    private long killedAt(JsonNode slot) {
        return agentKilledAt.getOrDefault(slot.get("agentId").asText(), 0L);
    }

    private static JsonNode slotOf(LocalApps apps, String agentId) throws IOException {
        for (JsonNode slot : apps.slots()) {
            if (slot.get("agentId").asText().equals(agentId)) {
                return slot;
            }
        }
        throw new IllegalStateException(agentId + " is not on the host any more");
    }
}
