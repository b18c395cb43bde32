package io.kafkasas.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ctl.topics.TopicProvisioner;
import io.kafkasas.ops.local.DemoWorkload.Submitted;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.TopicNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts the local stack and the apps, runs the demo workload with a live view, and stops it all on Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Runs kafka-sas on this machine: a real Kafka broker, the schema registry and the topics, then the"
        + " scheduler and the agents as processes of their own, and a demo workload with a live progress view."
        + " Ctrl-C stops everything; the data stays for the next run.",
    footer = {"", "Examples:", "  local                       # demo of 200 tasks, then keep running",
        "  local --demo-tasks 1000 --agents 5", "  local --no-demo --dir /tmp/sas"})
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path dir = Path.of(".sas-local");

    @Option(names = "--kafka-port", description = "Kafka port; the controller takes the next one. 0: "
        + LocalStack.PREFERRED_KAFKA_PORT + " if free, else any free port (default).")
    int kafkaPort;

    @Option(names = "--registry-port", description = "Schema registry port. 0: " + LocalStack.PREFERRED_REGISTRY_PORT
        + " if free, else any free port (default).")
    int registryPort;

    @Option(names = "--agents", description = "Agents the agent host runs, each a process (default ${DEFAULT-VALUE}).")
    int agents = 3;

    @Option(names = "--demo-tasks", description = "Tasks in the demo workload (default ${DEFAULT-VALUE}).")
    int demoTasks = 200;

    @Option(names = "--no-demo", description = "Start everything but submit no demo workload.")
    boolean noDemo;

    @Option(names = "--no-kill", description = "Do not kill an agent during the demo (by default one is killed"
        + " with SIGKILL a third of the way through, to show its tasks finishing elsewhere).")
    boolean noKill;

    @Option(names = "--exit-after-demo", description = "Stop everything once the demo has ended (exit 1 if some"
        + " task did not end in time).")
    boolean exitAfterDemo;

    @Option(names = "--secure", description = "Kafka demands SASL_SSL (SCRAM-SHA-512) and ACLs: each app connects as"
        + " a principal of its own with only the grants of 'sasctl acls print'; the settings file holds the cluster"
        + " admin's credentials. A directory stays secured (or not) for good.")
    boolean secure;

    @Option(names = "--exit-after-start", description = "Start the broker, registry and topics, print, then stop"
        + " at once, without the apps (a smoke check).")
    boolean exitAfterStart;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        LocalStack stack = LocalStack.start(dir, kafkaPort, registryPort, secure);
        LocalApps[] apps = new LocalApps[1];
        Thread shutdown = new Thread(() -> {
            out.println("Stopping the local stack ...");
            out.flush();
            if (apps[0] != null) {
                apps[0].close();
            }
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        printStack(out, stack);
        if (exitAfterStart) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            stack.close();
            return 0;
        }
        apps[0] = LocalApps.start(dir, stack.settingsFile(), agents);
        apps[0].startDashboard(dir, stack.settingsFile());
        printApps(out, apps[0]);
        boolean ended = noDemo || runDemo(out, stack, apps[0]);
        if (exitAfterDemo) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
            return ended ? 0 : 1;
        }
        out.printf("%nEverything keeps running; submit more with POST %s/tasks. Press Ctrl-C to stop.%n",
            apps[0].schedulerUrl());
        out.flush();
        stopped.await();
        return 0;
    }

    private void printStack(PrintWriter out, LocalStack stack) {
        out.printf("%nkafka-sas local stack is up%n");
        out.printf("  Kafka broker      %s   (pid %d, log %s)%n", stack.bootstrapServers(), stack.brokerPid(),
            dir.resolve("kafka/kafka.log"));
        out.printf("  Schema registry   %s%n", stack.registryUrl());
        out.printf("  Settings file     %s   (pass it to the apps and the CLI with --config)%n", stack.settingsFile());
        out.printf("  HTTP tokens       %s   (send 'Authorization: Bearer <token>'; sasctl --config does)%n",
            stack.settingsFile().resolveSibling(LocalTokens.FILE));
        if (secure) {
            out.printf("  Kafka security    SASL_SSL, SCRAM-SHA-512, ACLs per app; passwords under %s%n",
                LocalKafkaUsers.securityDir(dir).toAbsolutePath());
        }
        out.printf("  Topics:%n");
        for (TopicProvisioner.Result topic : stack.topics()) {
            out.printf("    %-28s %s%n", topic.topic(), topic.outcome());
        }
        out.flush();
    }

    private void printApps(PrintWriter out, LocalApps apps) {
        out.printf("  Scheduler         %s   (POST /tasks, /schedules, /pipelines, GET /health, GET /metrics;"
            + " log %s)%n",
            apps.schedulerUrl(), apps.scheduler().log());
        out.printf("  Agent host        %s   (pid %d, %d agents as its child processes; GET /slots; log %s)%n",
            apps.hostUrl(), apps.host().pid(), agents, apps.host().log());
        out.printf("  Supervisor        %s   (GET /tasks/{id}, GET /tasks?state=RUNNING, GET /agents; log %s)%n",
            apps.supervisorUrl(), apps.supervisor().log());
        out.printf("  Dashboard         %s/   (open it in a browser; sign in with the operator token of %s)%n",
            apps.dashboardUrl(), dir.resolve(LocalTokens.FILE));
        out.flush();
    }

    /**
     * Kills the last agent with SIGKILL, to show the supervisor re-running its tasks elsewhere and the host
     * starting the agent again.
     */
    private void killAgent(PrintWriter out, LocalApps apps, ProgressView view) throws IOException {
        JsonNode victim = apps.slots().get(agents - 1);
        String agentId = victim.get("agentId").asText();
        long pid = victim.get("pid").asLong();
        long running = view.runningOn(agentId);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        out.printf("%n>>> kill -9 %s (pid %d) while it runs %d task(s): the supervisor declares it dead after the"
            + " heartbeat timeout (5 s) and re-runs them on the other agents; the agent host starts it again%n",
            agentId, pid, running);
        out.flush();
    }

    /** What the host did: every agent's incarnation, pid, restarts and last exit code. */
    private static void printSlots(PrintWriter out, LocalApps apps) throws IOException {
        out.printf("%nAgents on host %s:%n", LocalApps.HOST_ID);
        for (JsonNode slot : apps.slots()) {
            out.printf("  %-10s %-8s pid %-7s incarnation %d, restarts %d%s%n", slot.get("agentId").asText(),
                slot.get("state").asText(), slot.get("pid").asText(), slot.get("incarnation").asLong(),
                slot.get("restarts").asInt(), slot.get("lastExitCode").isNull() ? ""
                    : " (the last process ended with exit code " + slot.get("lastExitCode").asInt() + ")");
        }
        out.flush();
    }

    private boolean runDemo(PrintWriter out, LocalStack stack, LocalApps apps) throws Exception {
        SasConfig config = SasConfig.load(SasConfig.define(new ConfigDef()), stack.settingsFile(), Map.of());
        List<String> refusals = new ArrayList<>();
        List<Submitted> tasks;
        List<String> pipelines;
        DemoWorkload demo;
        out.printf("%nSubmitting %d demo tasks (half over Kafka, half over HTTP) ...%n", demoTasks);
        out.flush();
        // a client whose settings still name a queue the scheduler no longer has: its request is REJECTED
        Map<String, String> stale = new HashMap<>(ConfigSource.load(stack.settingsFile(), Map.of()));
        stale.put(SasConfig.QUEUES, TopicNames.DEFAULT_QUEUE + ",retired");
        try (TaskClient client = TaskClient.create(config); TaskClient staleClient = TaskClient.create(stale)) {
            // the http tasks call the registry: plain HTTP, on the stack, secured or not
            demo = new DemoWorkload(client, staleClient, apps, stack.registryUrl() + "/subjects");
            demo.schedule();
            out.printf("Schedule %s: 'date -u' every %d s (sasctl schedules get %s)%n", DemoWorkload.SCHEDULE,
                DemoWorkload.SCHEDULE_EVERY_SECONDS, DemoWorkload.SCHEDULE);
            demo.limit();
            out.printf("Limit %s: the HTTP calls start at most %.0f a second, %d at once, across all agents (sasctl"
                + " limits)%n", DemoWorkload.LIMIT, DemoWorkload.LIMIT_RATE, DemoWorkload.LIMIT_RUNNING);
            pipelines = demo.pipelines("demo-release-" + DateTimeFormatter.ofPattern("HHmmss")
                .format(LocalTime.now(ZoneOffset.UTC)));
            out.printf("Pipelines %s: build -> test | lint -> package -> deploy -> verify; the second's verify fails,"
                + " so deploy and package are undone (sasctl pipelines get ID)%n", String.join(" and ", pipelines));
            tasks = demo.submit(demoTasks, refusals);
        }
        refusals.forEach(r -> out.printf("  %s%n", r));
        ProgressView view = new ProgressView(out, System.console() != null);
        boolean[] killed = {noKill || agents < 2};
        boolean ended = view.follow(config.kafkaProperties(), config.topics().taskStatus(), tasks,
            Duration.ofMinutes(3), (done, total) -> {
                if (!killed[0] && done * 3 >= total) {
                    killed[0] = true;
                    try {
                        killAgent(out, apps, view);
                    } catch (IOException e) {
                        out.printf("Could not kill an agent: %s%n", e);
                    }
                }
                return done;
            });
        view.summary(tasks);
        printSlots(out, apps);
        boolean pipelinesEnded = true;
        for (JsonNode pipeline : demo.awaitPipelines(pipelines, Duration.ofMinutes(1))) {
            pipelinesEnded &= DemoWorkload.ended(pipeline);
            out.printf("%nPipeline %s: %s%s%n%s", pipeline.path("pipelineId").asText(),
                pipeline.path("state").asText(), pipeline.path("failure").isTextual() ? " (" + pipeline.path("failure")
                    .asText() + ")" : "", pipeline.path("graph").asText());
        }
        JsonNode use = demo.limitView().path("use");
        out.printf("%nLimit %s: %d released, %d running, %d waiting%n", DemoWorkload.LIMIT,
            use.path("released").asLong(), use.path("running").asLong(), use.path("waiting").asLong());
        if (!ended || !pipelinesEnded) {
            out.printf("Some demo tasks or pipelines did not end in time; see the logs under %s%n",
                dir.resolve("logs"));
        }
        return ended && pipelinesEnded;
    }
}
