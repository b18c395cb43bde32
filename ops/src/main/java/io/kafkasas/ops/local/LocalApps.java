package io.kafkasas.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.HttpApi;
import io.kafkasas.agent.AgentMain;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.scheduler.SchedulerMain;
import io.kafkasas.supervisor.SupervisorMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The kafka-sas apps of the local stack, each a process of its own as in production: the scheduler and the
 * supervisor (HTTP on free ports) and an agent host running N agents ({@code local-1} ...) as its child processes,
 * all reading {@code local.properties}, logs under {@code <dir>/logs}.
 */
public final class LocalApps implements AutoCloseable {

    /** Commands the demo's shell tasks may run. */
    public static final String SHELL_ALLOW_LIST = "echo,uname,date,hostname";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback-app.xml");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ChildJvm scheduler;
    private final ChildJvm supervisor;
    private final List<ChildJvm> hosts = new ArrayList<>();
    private final String schedulerUrl;
    private final String supervisorUrl;
    private final String hostUrl;

    private LocalApps(ChildJvm scheduler, ChildJvm supervisor, String schedulerUrl, String supervisorUrl,
                      String hostUrl) {
        this.scheduler = scheduler;
        this.supervisor = supervisor;
        this.schedulerUrl = schedulerUrl;
        this.supervisorUrl = supervisorUrl;
        this.hostUrl = hostUrl;
    }

    /** The id of the local agent host; its agents are {@code local-1} ... */
    public static final String HOST_ID = "local";

    /** Starts the scheduler, the supervisor and a host of {@code agentCount} agents; waits until all are ready. */
    public static LocalApps start(Path dir, Path settings, int agentCount) throws IOException {
        return start(dir, settings, agentCount, Map.of());
    }

    /** As {@link #start(Path, Path, int)}, with {@code agentEnv} ({@code SAS_*} variables) for the agents too. */
    public static LocalApps start(Path dir, Path settings, int agentCount, Map<String, String> agentEnv)
        throws IOException {
        int port = KafkaCluster.freePort();
        List<String> args = List.of(settings.toAbsolutePath().toString());
        ChildJvm scheduler = ChildJvm.start(SchedulerMain.class.getName(), JVM_OPTIONS, args,
            Map.of("SAS_HTTP_PORT", Integer.toString(port),
                "SAS_STREAMS_STATE_DIR", dir.resolve("scheduler-state").toAbsolutePath().toString()),
            dir.resolve("logs/scheduler.log"));
        int supervisorPort = KafkaCluster.freePort();
        ChildJvm supervisor = ChildJvm.start(SupervisorMain.class.getName(), JVM_OPTIONS, args,
            Map.of("SAS_HTTP_PORT", Integer.toString(supervisorPort),
                "SAS_STREAMS_STATE_DIR", dir.resolve("supervisor-state").toAbsolutePath().toString()),
            dir.resolve("logs/supervisor.log"));
        int hostPort = KafkaCluster.freePort();
        LocalApps apps = new LocalApps(scheduler, supervisor, "http://127.0.0.1:" + port,
            "http://127.0.0.1:" + supervisorPort, "http://127.0.0.1:" + hostPort);
        try {
            Map<String, String> hostEnv = new HashMap<>(Map.of("SAS_AGENT_HOST_ID", HOST_ID,
                "SAS_HOST_AGENTS", Integer.toString(agentCount), "SAS_HOST_HTTP_PORT", Integer.toString(hostPort),
                "SAS_HOST_AGENT_JVM_OPTIONS", String.join(",", JVM_OPTIONS),
                "SAS_HOST_AGENT_LOG_DIR", dir.resolve("logs").toAbsolutePath().toString(),
                "SAS_HANDLER_SHELL_ALLOWED_COMMANDS", SHELL_ALLOW_LIST));
            hostEnv.putAll(agentEnv);
            apps.hosts.add(ChildJvm.start(AgentMain.class.getName(), JVM_OPTIONS, List.of("host", args.get(0)),
                hostEnv, dir.resolve("logs/agent-host.log")));
            awaitReady(scheduler, apps.schedulerUrl, "scheduler");
            awaitReady(supervisor, apps.supervisorUrl, "supervisor");
            awaitReady(apps.host(), apps.hostUrl, "agent host");
            return apps;
        } catch (IOException | RuntimeException e) {
            apps.close();
            throw e;
        }
    }

    private static void awaitReady(ChildJvm app, String url, String name) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/health"))
            .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!app.isAlive()) {
                throw new IllegalStateException("The " + name + " exited with code " + app.process().exitValue()
                    + "; " + app.log() + " ends with:\n" + app.tail(20));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the " + name, e);
            }
            pause(app);
        }
        throw new IllegalStateException("The " + name + " was not ready within " + READY_TIMEOUT.toSeconds()
            + " s; see " + app.log());
    }

    private static void pause(ChildJvm app) {
        try {
            app.process().waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String schedulerUrl() {
        return schedulerUrl;
    }

    public ChildJvm scheduler() {
        return scheduler;
    }

    public String supervisorUrl() {
        return supervisorUrl;
    }

    public ChildJvm supervisor() {
        return supervisor;
    }

    public ChildJvm host() {
        return hosts.get(0);
    }

    /** The agent host's HTTP address: {@code GET /slots} lists its agents, their pids and restarts. */
    public String hostUrl() {
        return hostUrl;
    }

    /** The host's agent slots ({@code GET /slots}): agent id, state, incarnation, pid, restarts, last exit code. */
    public JsonNode slots() throws IOException {
        try {
            HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(hostUrl + "/slots")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            return HttpApi.JSON.readTree(answer.body()).get("slots");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking the agent host", e);
        }
    }

    /** Stops the agent host (its agents release their tasks), then the scheduler and the supervisor. */
    @Override
    public void close() {
        hosts.forEach(h -> h.stop(STOP_TIMEOUT.multipliedBy(2)));
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> scheduler.stop(STOP_TIMEOUT)),
            CompletableFuture.runAsync(() -> supervisor.stop(STOP_TIMEOUT))).join();
    }
}
