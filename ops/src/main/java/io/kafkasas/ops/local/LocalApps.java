package io.kafkasas.ops.local;

import io.kafkasas.agent.AgentMain;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.scheduler.SchedulerMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The kafka-sas apps of the local stack, each a process of its own as in production: the scheduler (HTTP on a
 * free port) and N agents ({@code agent-1} ...), all reading {@code local.properties}, logs under
 * {@code <dir>/logs}.
 */
public final class LocalApps implements AutoCloseable {

    /** Commands the demo's shell tasks may run. */
    public static final String SHELL_ALLOW_LIST = "echo,uname,date,hostname";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback-app.xml");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ChildJvm scheduler;
    private final List<ChildJvm> agents;
    private final String schedulerUrl;

    private LocalApps(ChildJvm scheduler, List<ChildJvm> agents, String schedulerUrl) {
        this.scheduler = scheduler;
        this.agents = agents;
        this.schedulerUrl = schedulerUrl;
    }

    /** Starts the scheduler and {@code agentCount} agents, and waits until the scheduler is ready. */
    public static LocalApps start(Path dir, Path settings, int agentCount) throws IOException {
        int port = KafkaCluster.freePort();
        List<String> args = List.of(settings.toAbsolutePath().toString());
        ChildJvm scheduler = ChildJvm.start(SchedulerMain.class.getName(), JVM_OPTIONS, args,
            Map.of("SAS_HTTP_PORT", Integer.toString(port),
                "SAS_STREAMS_STATE_DIR", dir.resolve("scheduler-state").toAbsolutePath().toString()),
            dir.resolve("logs/scheduler.log"));
        List<ChildJvm> agents = new ArrayList<>();
        LocalApps apps = new LocalApps(scheduler, agents, "http://127.0.0.1:" + port);
        try {
            for (int i = 1; i <= agentCount; i++) {
                agents.add(ChildJvm.start(AgentMain.class.getName(), JVM_OPTIONS, args,
                    Map.of("SAS_AGENT_ID", "agent-" + i, "SAS_HTTP_PORT", "0",
                        "SAS_HANDLER_SHELL_ALLOWED_COMMANDS", SHELL_ALLOW_LIST),
                    dir.resolve("logs/agent-" + i + ".log")));
            }
            apps.awaitSchedulerReady();
            return apps;
        } catch (IOException | RuntimeException e) {
            apps.close();
            throw e;
        }
    }

    private void awaitSchedulerReady() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(schedulerUrl + "/health"))
            .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!scheduler.isAlive()) {
                throw new IllegalStateException("The scheduler exited with code " + scheduler.process().exitValue()
                    + "; " + scheduler.log() + " ends with:\n" + scheduler.tail(20));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
                scheduler.process().waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the scheduler", e);
            }
        }
        throw new IllegalStateException("The scheduler was not ready within " + READY_TIMEOUT.toSeconds()
            + " s; see " + scheduler.log());
    }

    public String schedulerUrl() {
        return schedulerUrl;
    }

    public ChildJvm scheduler() {
        return scheduler;
    }

    public List<ChildJvm> agents() {
        return List.copyOf(agents);
    }

    /** Stops the agents (in parallel: each releases its tasks), then the scheduler. */
    @Override
    public void close() {
        CompletableFuture.allOf(agents.stream().map(a -> CompletableFuture.runAsync(() -> a.stop(STOP_TIMEOUT)))
            .toArray(CompletableFuture[]::new)).join();
        scheduler.stop(STOP_TIMEOUT);
    }
}
