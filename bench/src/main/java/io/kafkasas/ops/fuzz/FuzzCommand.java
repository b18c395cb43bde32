package io.kafkasas.ops.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.fuzz.Mutator;
import io.kafkasas.ops.bench.SupervisorProgress;
import io.kafkasas.ops.chaos.SupervisorVerdict;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.TopicNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Bad input to a running stack of its own, good tasks among it, then the verdict: no app down, no reader stalled,
 * every undecodable record dead-lettered by each of its readers with its reason, no answer of 500 or more, and
 * every good task SUCCEEDED. Exit 0 if all held, 1 if not.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
    description = "Sends bounded random and mutated input to a stack of its own: requests to every HTTP API and"
        + " records to every topic that has a reader, with good tasks among them. Then reports crashes, stalls,"
        + " dead letters owed and found, and whether the good tasks ran. Exit 0 if clean, 1 if not.",
    footer = {"", "Examples:", "  fuzz                                    # 2,000 requests, 2,000 records, 50 tasks",
        "  fuzz --requests 10000 --records 10000 --seed 7"})
public final class FuzzCommand implements Callable<Integer> {

    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final int AGENTS = 2;

    @Option(names = "--requests", description = "Bad HTTP requests (default ${DEFAULT-VALUE}).")
    int requests = 2000;

    @Option(names = "--records", description = "Bad records (default ${DEFAULT-VALUE}).")
    int records = 2000;

    @Option(names = "--good", description = "Good tasks sent among them (default ${DEFAULT-VALUE}).")
    int good = 50;

    @Option(names = "--seed", description = "Seed of the input; the same seed sends the same (default"
        + " ${DEFAULT-VALUE}).")
    long seed = 42;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        try (OwnStack own = stack.start(AGENTS, 8)) {
            own.apps().startDashboard(stack.dir(), own.settingsFile());
            SasConfig config = own.config();
            CtlConfig ctl = CtlConfig.of(ConfigSource.load(own.settingsFile(), Map.of()));
            try (TaskClient client = TaskClient.create(config);
                 RecordFuzz recordFuzz = new RecordFuzz(ctl, LocalApps.HOST_ID + "-1");
                 Admin admin = Admin.create(config.kafkaProperties())) {
                HttpFuzz httpFuzz = new HttpFuzz(own.apps());
                awaitAgentsAlive(own.apps());
                Instant since = Instant.now();
                long begin = System.nanoTime();
                Map<String, CompletableFuture<TaskStatus>> outcomes = send(out, client, recordFuzz, httpFuzz, since);
                out.printf("Sent in %,d ms; waiting for the readers ...%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                out.flush();
                Map<String, String> stalls = stalls(admin, config);
                List<String> missing = recordFuzz.missingLetters(SETTLE);
                List<String> notSucceeded = new ArrayList<>();
                outcomes.forEach((id, outcome) -> {
                    String ended = ended(outcome);
                    if (!ended.equals(TaskStatusType.SUCCEEDED.name())) {
                        notSucceeded.add(id + ": " + ended);
                    }
                });
                List<String> down = own.apps().notRunning();
                restarts(own.apps(), down);
                return report(out, recordFuzz, httpFuzz, stalls, missing, notSucceeded, down);
            }
        }
    }

    /**
     * Until the supervisor hears every agent: an agent heartbeats once it reads its commands, and a command written
     * before that is for no incarnation of it.
     */
    private static void awaitAgentsAlive(LocalApps apps) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            long alive = 0;
            try {
                for (JsonNode agent : SupervisorVerdict.get(apps.supervisorUrl() + "/agents", apps.authorization())
                    .path("agents")) {
                    alive += "ALIVE".equals(agent.path("state").asText()) ? 1 : 0;
                }
            } catch (IOException e) {
                // 503 while the supervisor's state is restoring: asked again
            }
            if (alive >= AGENTS) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("The supervisor did not hear all " + AGENTS + " agents within " + SETTLE);
    }

    /** Bad requests and records in a random order, a good task every so often; the good tasks' outcomes. */
    private Map<String, CompletableFuture<TaskStatus>> send(PrintWriter out, TaskClient client, RecordFuzz recordFuzz,
                                                     HttpFuzz httpFuzz, Instant since) {
        Mutator mutator = new Mutator(seed);
        int total = requests + records;
        int goodEvery = Math.max(1, total / Math.max(1, good));
        Map<String, CompletableFuture<TaskStatus>> outcomes = new LinkedHashMap<>();
        int requestsLeft = requests;
        for (int i = 0; i < total; i++) {
            if (i % goodEvery == 0 && outcomes.size() < good) {
                String taskId = client.submit(TaskClient.request("noop").build()).join();
                outcomes.put(taskId, client.outcome(taskId, since, SETTLE.multipliedBy(2)));
            }
            if (mutator.nextInt(total - i) < requestsLeft) {
                httpFuzz.send(mutator);
                requestsLeft--;
            } else {
                recordFuzz.send(mutator);
            }
            if ((i + 1) % Math.max(1, total / 10) == 0) {
                out.printf("  %,d of %,d sent%n", i + 1, total);
                out.flush();
            }
        }
        return outcomes;
    }

    /** How a good task ended, or why its end is not known. */
    private static String ended(CompletableFuture<TaskStatus> outcome) {
        try {
            TaskStatus status = outcome.join();
            return status.getStatus().name() + (status.getError() == null ? "" : " " + status.getError());
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /** Each reader group that did not read its fuzzed topic to the end, with what it says. */
    private static Map<String, String> stalls(Admin admin, SasConfig config) throws InterruptedException {
        TopicNames names = config.topicNames();
        String supervisor = AppIds.supervisor("", names);
        List<Map.Entry<String, String>> readers = List.of(
            Map.entry(AppIds.scheduler("", names), names.taskRequests()),
            Map.entry(AppIds.scheduler("", names), names.schedules()),
            Map.entry(AppIds.scheduler("", names), names.pipelines()),
            Map.entry(supervisor, names.taskStatus()),
            Map.entry(AppIds.supervisorLiveness(supervisor), names.heartbeats()),
            Map.entry(AppIds.agentGroup("", names), names.tasks(TopicNames.DEFAULT_QUEUE)));
        Map<String, String> stalls = new LinkedHashMap<>();
        for (Map.Entry<String, String> reader : readers) {
            try {
                SupervisorProgress.awaitCaughtUp(admin, config.kafkaProperties(), reader.getKey(), reader.getValue(),
                    SETTLE);
            } catch (IllegalStateException | ExecutionException e) {
                stalls.put(reader.getKey() + " on " + reader.getValue(), e.getMessage());
            }
        }
        return stalls;
    }

    /** An agent that crashed was restarted by its host: running again, but it counts. */
    private static void restarts(LocalApps apps, List<String> down) throws IOException {
        for (JsonNode slot : apps.slots()) {
            if (slot.path("restarts").asInt() > 0) {
                down.add(slot.path("agentId").asText() + " restarted " + slot.path("restarts").asInt() + " time(s)");
            }
        }
    }

    private int report(PrintWriter out, RecordFuzz recordFuzz, HttpFuzz httpFuzz, Map<String, String> stalls,
                       List<String> missing, List<String> notSucceeded, List<String> down) {
        out.printf("%nRecords by topic (sent / undecodable, each owed a dead letter per reader):%n");
        Map<String, Long> owed = recordFuzz.owedByTopic();
        recordFuzz.sentByTopic().forEach((topic, count) -> out.printf("  %-32s %,6d / %,6d%n", topic, count,
            owed.getOrDefault(topic, 0L)));
        out.printf("HTTP answers: %s%n", httpFuzz.answers());
        out.printf("%nCrashes (apps down or restarted)   %d%s%n", down.size(), list(down));
        out.printf("Stalls (readers behind)            %d%s%n", stalls.size(), list(stalls.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue()).toList()));
        out.printf("Dead letters missing or wrong      %d%s%n", missing.size(), list(missing));
        out.printf("HTTP answers of 500+ or none       %d%s%n", httpFuzz.failures().size(), list(httpFuzz.failures()));
        out.printf("Good tasks not SUCCEEDED           %d of %d%s%n", notSucceeded.size(), good, list(notSucceeded));
        boolean clean = down.isEmpty() && stalls.isEmpty() && missing.isEmpty() && httpFuzz.failures().isEmpty()
            && notSucceeded.isEmpty();
        out.printf("%s%n", clean ? "Clean." : "NOT clean.");
        out.flush();
        return clean ? 0 : 1;
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "" : "\n    " + String.join("\n    ", items.subList(0, Math.min(20, items.size())))
            + (items.size() > 20 ? "\n    ... " + (items.size() - 20) + " more" : "");
    }
}
