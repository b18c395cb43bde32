package io.kafkasas.ops.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.Sasctl;
import io.kafkasas.ctl.SasctlMain;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.local.OwnStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sasctl against a running system (a real broker and registry, the scheduler, the supervisor, a host of one
 * agent), found through the settings file the local stack writes: what an operator types, and what it answers.
 */
class SasctlIT {

    private static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static OwnStack stack;
    private static String settings;

    @BeforeAll
    static void start() throws IOException {
        stack = OwnStack.start(new PrintWriter(new StringWriter()), "sasctl", dir, null, 1, 4);
        settings = stack.settingsFile().toString();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldSubmitATaskFollowItToItsEndAndShowIt() throws Exception {
        Sasctl.Run submit = Sasctl.run(settings, "submit", "shell", "--payload",
            "{\"command\":\"echo\",\"args\":[\"hi\"]}", "--wait", "--timeout", "90s", "-o", "json");

        assertThat(submit.exitCode()).as(submit.err()).isEqualTo(ExitCodes.OK);
        List<String> lines = submit.out().lines().toList();
        String taskId = Output.JSON.readTree(lines.get(0)).get("taskId").asText();
        assertThat(Output.JSON.readTree(lines.get(lines.size() - 1)).get("state").asText()).isEqualTo("SUCCEEDED");

        Sasctl.Run status = Sasctl.run(settings, "status", taskId, "-o", "json");
        JsonNode task = Output.JSON.readTree(status.out());
        assertThat(task.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.get("attempts").get(0).get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.get("result").asText()).as("the handler's result").contains("\"exitCode\":0", "hi");
        assertThat(Sasctl.run(settings, "status", taskId).out()).contains("SUCCEEDED", "shell (queue default)",
            "local-1", "exitCode");

        Sasctl.Run listed = Sasctl.run(settings, "tasks", "--state", "SUCCEEDED", "--all", "-o", "json");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(Output.JSON.readTree(listed.out()).get("tasks").findValuesAsText("taskId")).contains(taskId);
        Sasctl.run(settings, "submit", "noop", "--wait");
        Sasctl.Run page = Sasctl.run(settings, "tasks", "--state", "SUCCEEDED", "--limit", "1");
        assertThat(page.out()).as("a page of one, and where the next begins").contains("SUCCEEDED", "More: --after");
        assertThat(Sasctl.run(settings, "tasks", "--limit", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    /** Drained, the only agent takes no task; restarted, a new incarnation runs what waited. */
    @Test
    void shouldDrainAnAgentAndRestartIt() throws Exception {
        await().atMost(LONG).until(() -> Sasctl.run(settings, "agents").out().contains("ALIVE"));
        Sasctl.Run drain = Sasctl.run(settings, "agents", "drain", "local-1", "--wait", "--timeout", "60s");
        assertThat(drain.exitCode()).as(drain.err()).isZero();
        assertThat(Sasctl.run(settings, "agents").out()).contains("DRAINING");
        String waiting = Sasctl.run(settings, "submit", "noop").out().trim();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> Sasctl.run(settings,
            "status", waiting, "-o", "json").out().contains("\"QUEUED\""));

        Sasctl.Run restart = Sasctl.run(settings, "agents", "restart", "local-1", "--wait", "--timeout", "90s");

        assertThat(restart.exitCode()).as(restart.err()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "status", waiting).out().contains("SUCCEEDED"));
        assertThat(Sasctl.run(settings, "agents", "drain", "no-such-agent").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void shouldCancelARunningTaskAndRefuseAnUnknownOne() throws Exception {
        Sasctl.Run submit = Sasctl.run(settings, "submit", "sleep", "--payload", "{\"ms\":120000}", "-o", "json");
        String taskId = Output.JSON.readTree(submit.out().lines().findFirst().orElseThrow()).get("taskId").asText();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "status", taskId).out().contains("RUNNING"));

        Sasctl.Run cancel = Sasctl.run(settings, "cancel", taskId, "--reason", "not needed", "--wait", "-o", "json");

        assertThat(cancel.exitCode()).as(cancel.err()).isEqualTo(ExitCodes.OK);
        List<String> lines = cancel.out().lines().toList();
        assertThat(Output.JSON.readTree(lines.get(lines.size() - 1)).get("state").asText()).isEqualTo("CANCELLED");
        Sasctl.Run unknown = Sasctl.run(settings, "cancel", "no-such-task");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Sasctl.run(settings, "status", "no-such-task").exitCode()).as("nothing stored for it")
            .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void shouldKeepASchedulePauseItResumeItTriggerAndBackfillItAndDeleteIt() throws Exception {
        Sasctl.Run set = Sasctl.run(settings, "schedules", "set", "ctl-every", "--spec", "every 2s", "--type", "noop",
            "--overlap", "ALLOW");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("Schedule ctl-every written", "next: ");
        await().atMost(LONG).until(() -> Sasctl.run(settings, "schedules", "get", "ctl-every").out()
            .contains("SUCCEEDED"));
        assertThat(Sasctl.run(settings, "schedules").out()).contains("ctl-every", "every 2s", "UTC", "no");

        assertThat(Sasctl.run(settings, "schedules", "pause", "ctl-every", "--note", "checking").exitCode()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "schedules", "get", "ctl-every").out()
            .contains("PAUSED: checking"));
        long fired = fired("ctl-every");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> fired("ctl-every")
            == fired);
        assertThat(Sasctl.run(settings, "schedules", "resume", "ctl-every").exitCode()).isZero();
        await().atMost(LONG).until(() -> fired("ctl-every") > fired);

        Sasctl.Run trigger = Sasctl.run(settings, "schedules", "trigger", "ctl-every");
        assertThat(trigger.out()).contains("+manual");
        Sasctl.Run backfill = Sasctl.run(settings, "schedules", "backfill", "ctl-every", "--from",
            "2026-01-01T00:00:00Z", "--to", "2026-01-01T00:00:05Z");
        assertThat(backfill.out()).contains("2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:04Z");
        String backfilled = "schedule:ctl-every@2026-01-01T00:00:02Z";
        await().atMost(LONG).until(() -> Sasctl.run(settings, "status", backfilled).out().contains("SUCCEEDED"));

        Path file = dir.resolve("nightly.yaml");
        Files.writeString(file, "scheduleId: ctl-nightly\nspec: '0 2 * * *'\ntimeZone: Europe/Berlin\n"
            + "task:\n  type: noop\n");
        assertThat(Sasctl.run(settings, "schedules", "apply", "-f", file.toString()).out()).contains("T01:00:00Z");
        Sasctl.Run refused = Sasctl.run(settings, "schedules", "set", "ctl-bad", "--spec", "61 * * * *", "--type",
            "noop", "--time-zone", "Mars/Olympus");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(refused.err()).contains("spec: '61 * * * *' is not a valid cron expression", "timeZone");
        assertThat(Sasctl.run(settings, "schedules", "get", "no-such").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Sasctl.run(settings, "schedules", "delete", "ctl-every").exitCode()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "schedules", "get", "ctl-every").exitCode()
            == ExitCodes.NOT_FOUND);
    }

    @Test
    void shouldSetALimitSeeItHoldTasksCancelOneItHoldsAndRemoveIt() throws Exception {
        Sasctl.Run set = Sasctl.run(settings, "limits", "set", "ctl-api", "--max-running", "1");
        assertThat(set.exitCode()).as(set.err()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "limits", "get", "ctl-api").exitCode() == 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Sasctl.run(settings, "submit", "sleep", "--payload", "{\"ms\":4000}", "--limit-key", "ctl-api")
                .out().trim());
        }
        await().atMost(LONG).until(() -> Sasctl.run(settings, "limits").out().lines().anyMatch(line ->
            line.startsWith("ctl-api") && line.contains("CONCURRENCY_LIMIT")));
        assertThat(Sasctl.run(settings, "limits", "get", "ctl-api").out()).contains("Limit ctl-api: - starts/s, 1"
            + " running at most", " (held by CONCURRENCY_LIMIT), running 1");

        // the last one, still held, is cancelled (once the supervisor knows it): it never runs, and the limit lets
        // the other two through
        await().atMost(LONG).until(() -> Sasctl.run(settings, "status", ids.get(2)).exitCode() == 0);
        Sasctl.Run cancel = Sasctl.run(settings, "cancel", ids.get(2), "--reason", "not needed");
        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "limits", "get", "ctl-api").out()
            .contains("Waiting 0, running 0, released 2"));
        JsonNode cancelled = Output.JSON.readTree(Sasctl.run(settings, "status", ids.get(2), "-o", "json").out());
        assertThat(cancelled.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("attempts")).as("it never ran").isEmpty();

        Sasctl.Run refused = Sasctl.run(settings, "limits", "set", "ctl-api", "--rate", "-3");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(refused.err()).contains("startsPerSecond");
        assertThat(Sasctl.run(settings, "limits", "delete", "ctl-api").exitCode()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "limits", "get", "ctl-api").out()
            .contains("Waiting 0"));
    }

    @Test
    void shouldSubmitAPipelineFromAFileFollowItThenCancelAnotherAndUndoIt() throws Exception {
        Path release = dir.resolve("release.yaml");
        Files.writeString(release, """
            pipelineId: ctl-release
            name: release from a file
            steps:
              - name: build
                task: {type: shell, payload: {command: echo, args: [-n, app-7.tar]}}
              - name: deploy
                dependsOn: [build]
                task: {type: shell, payload: {command: echo, args: ["deploying ${steps.build.result.stdout}"]}}
            """);
        Sasctl.Run through = Sasctl.run(settings, "pipelines", "submit", "-f", release.toString(), "--wait",
            "--timeout", "90s");

        assertThat(through.exitCode()).as(through.out() + through.err()).isZero();
        assertThat(through.out()).contains("Pipeline ctl-release submitted", "deploy SUCCEEDED", "after build");
        JsonNode deploy = Output.JSON.readTree(Sasctl.run(settings, "pipelines", "get", "ctl-release", "-o", "json")
            .out()).get("steps").get(1);
        assertThat(deploy.get("result").asText()).as("build's stdout handed on").contains("deploying app-7.tar");
        assertThat(Sasctl.run(settings, "pipelines").out()).contains("ctl-release", "SUCCEEDED", "2/2");

        Path slow = dir.resolve("slow.json");
        Files.writeString(slow, """
            {"pipelineId": "ctl-slow", "steps": [
              {"name": "first", "task": {"type": "noop"}, "compensation": {"type": "noop"}},
              {"name": "long", "dependsOn": ["first"], "task": {"type": "sleep", "payload": {"ms": 120000}}}]}
            """);
        Sasctl.Run submitted = Sasctl.run(settings, "pipelines", "submit", "-f", slow.toString());
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        await().atMost(LONG).until(() -> Sasctl.run(settings, "pipelines", "get", "ctl-slow").out()
            .contains("long [RUNNING]"));
        Sasctl.Run cancel = Sasctl.run(settings, "pipelines", "cancel", "ctl-slow", "--reason", "not today",
            "--wait");

        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains("COMPENSATED", "not today", "first COMPENSATED", "long FAILED");
        assertThat(Sasctl.run(settings, "pipelines", "--state", "COMPENSATED").out()).contains("ctl-slow")
            .doesNotContain("ctl-release");
        Files.writeString(slow, """
            {"steps": [{"name": "a", "dependsOn": ["a"], "task": {"type": "noop"}}]}""");
        Sasctl.Run refused = Sasctl.run(settings, "pipelines", "submit", "-f", slow.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(refused.err()).contains("a -> a");
        assertThat(Sasctl.run(settings, "pipelines", "get", "no-such").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private static long fired(String schedule) throws IOException {
        return Output.JSON.readTree(Sasctl.run(settings, "schedules", "get", schedule, "-o", "json").out())
            .path("fired").asLong();
    }

    @Test
    void shouldRefuseAnInvalidRequestWithItsReasonsAndSayWhatIsUnknown() {
        Sasctl.Run invalid = Sasctl.run(settings, "submit", "noop", "--queue", "no-such-queue");
        assertThat(invalid.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(invalid.err()).contains("queue: unknown queue 'no-such-queue'");

        Sasctl.Run unknown = Sasctl.run(settings, "status", "no-such-task");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("no-such-task");
    }

    @Test
    void shouldListTheAgentsWithTheirLiveness() {
        await().atMost(LONG).untilAsserted(() -> {
            Sasctl.Run agents = Sasctl.run(settings, "agents", "-o", "json");
            assertThat(agents.exitCode()).as(agents.err()).isZero();
            JsonNode listed = Output.JSON.readTree(agents.out());
            assertThat(listed).as("no heartbeat read yet").isNotEmpty();
            JsonNode local1 = listed.get(0);
            assertThat(local1.get("agentId").asText()).isEqualTo("local-1");
            assertThat(local1.get("state").asText()).isEqualTo("ALIVE");
        });
        assertThat(Sasctl.run(settings, "agents").out()).contains("local-1", "ALIVE", "/4");
        assertThat(Sasctl.run(settings, "agents", "--state", "DEAD").out()).contains("No agent is DEAD.");
    }

    @Test
    void shouldWatchEveryStatusOfTheWholeSystemAsItHappens() throws Exception {
        StringWriter watched = new StringWriter();
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> SasctlMain
            .commandLine().setOut(new PrintWriter(watched, true)).execute("watch", "--for", "12s", "--every", "2s",
                "-o", "json", "--config", settings));
        await().atMost(LONG).until(() -> watched.toString().contains("\"kind\":\"agents\""));

        String taskId = Sasctl.run(settings, "submit", "noop").out().trim();

        await().atMost(LONG).until(() -> watched.toString().contains(taskId + "\",\"attempt\":1,\"status\":"
            + "\"SUCCEEDED\""));
        assertThat(watch.get()).isZero();
        assertThat(watched.toString()).contains("\"ALIVE\":1");
    }

    private static double duplicatesDropped() throws Exception {
        String metrics = HttpClient.newHttpClient().send(stack.apps().authorized(HttpRequest.newBuilder(URI.create(
            stack.apps().schedulerUrl() + "/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("sas_scheduler_requests_duplicates_total"))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void shouldReplayADeadLetterAsANewTaskOnceItsCauseIsFixed() throws Exception {
        int port = KafkaCluster.freePort();
        Sasctl.Run failed = Sasctl.run(settings, "submit", "http", "--payload",
            "{\"url\":\"http://127.0.0.1:" + port + "/ok\",\"timeoutMs\":2000}", "--max-attempts", "1", "--wait",
            "--timeout", "90s");
        assertThat(failed.exitCode()).as("nothing listens on the port yet: " + failed.out())
            .isEqualTo(ExitCodes.NOT_SUCCEEDED);
        String taskId = failed.out().lines().findFirst().orElseThrow();
        assertThat(failed.out()).contains("DEAD_LETTERED");
        await().atMost(LONG).untilAsserted(() -> assertThat(Sasctl.run(settings, "dead-letters", "list", "--task",
            taskId).out()).contains("RETRIES_EXHAUSTED", "resubmit"));

        HttpServer fixed = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        fixed.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        fixed.start();
        try {
            Sasctl.Run replay = Sasctl.run(settings, "dead-letters", "replay", "--all", "--task", taskId, "-o",
                "json");
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            String newTaskId = Output.JSON.readTree(replay.out()).get(0).get("newTaskId").asText();

            Sasctl.Run again = Sasctl.run(settings, "dead-letters", "replay", "--all", "--task", taskId, "-o",
                "json");
            String unusedTaskId = Output.JSON.readTree(again.out()).get(0).get("newTaskId").asText();

            Sasctl.Run watched = Sasctl.run(settings, "watch", newTaskId, "--timeout", "90s");
            assertThat(watched.exitCode()).as(watched.out() + watched.err()).isEqualTo(ExitCodes.OK);
            assertThat(newTaskId).isNotEqualTo(taskId);
            // the second replay of the same letter is the scheduler's duplicate: no second task
            await().atMost(LONG).until(() -> duplicatesDropped() == 1);
            assertThat(Sasctl.run(settings, "status", unusedTaskId).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        } finally {
            fixed.stop(0);
        }
    }
}
