package io.kafkasas.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.PipelineRuns;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How fast pipelines move: steps per second beside single tasks per second, and each step's wait for its turn. */
@Command(name = "pipelines", mixinStandardHelpOptions = true,
    description = "Benchmarks pipelines on a local stack of its own. Each run submits as many single no-op tasks as"
        + " the pipelines have steps and times them to their end (tasks/s), then N pipelines of 6 no-op steps"
        + " (build -> test | lint -> package -> deploy -> verify) at once (steps/s), and for every step with"
        + " dependencies the delay from the last of them succeeding to the step starting (STARTED minus SUCCEEDED,"
        + " by the statuses' timestamps). Beside it, one transactional hop of raw Kafka on the same broker. Prints"
        + " each run and the medians; checks that no step started before its dependencies succeeded.",
    footer = {"", "Examples:", "  bench pipelines                              # 1,000 pipelines, 3 runs",
        "  bench pipelines --pipelines 100 --runs 1     # a quick look"})
public final class PipelinesCommand implements Callable<Integer> {

    /** The steps and what each depends on. */
    public static final Map<String, List<String>> STEPS = stepsInOrder();

    @Option(names = "--pipelines", description = "Pipelines per run (default ${DEFAULT-VALUE}).")
    int pipelines = 1_000;

    @Option(names = "--runs", description = "Runs; medians are reported (default ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--agents", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(names = "--slots", description = "Tasks each agent runs at once (default ${DEFAULT-VALUE}).")
    int slots = 256;

    @Mixin
    StackOptions stack;

    /** One run's figures. */
    record Run(double tasksPerSecond, double stepsPerSecond, Histogram queued, Histogram delay, long succeeded,
               long early) {
    }

    private static Map<String, List<String>> stepsInOrder() {
        Map<String, List<String>> steps = new LinkedHashMap<>();
        steps.put("build", List.of());
        steps.put("test", List.of("build"));
        steps.put("lint", List.of("build"));
        steps.put("package", List.of("test", "lint"));
        steps.put("deploy", List.of("package"));
        steps.put("verify", List.of("deploy"));
        return steps;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        List<Run> results = new ArrayList<>();
        try (OwnStack own = stack.start(agents, slots)) {
            SasConfig config = own.config();
            Map<String, Object> kafka = config.kafkaProperties();
            Histogram floor = FloorRun.likeRequests(config, 500, Duration.ofSeconds(10));
            try (TaskClient client = TaskClient.create(config);
                 StatusTimes times = new StatusTimes(kafka, config.topics())) {
                for (int run = 1; run <= runs; run++) {
                    Run r = run(own, client, times, "run" + run + "-" + System.currentTimeMillis());
                    results.add(r);
                    out.printf("run %d: single tasks %,.0f/s, pipeline steps %,.0f/s; dependency -> queued p50 %.1f"
                        + " p99 %.1f ms, -> started p50 %.1f p99 %.1f ms; pipelines SUCCEEDED %,d of %,d; steps"
                        + " started early %d%n", run, r.tasksPerSecond(), r.stepsPerSecond(), Stats.ms(r.queued(), 50),
                        Stats.ms(r.queued(), 99), Stats.ms(r.delay(), 50), Stats.ms(r.delay(), 99), r.succeeded(),
                        pipelines, r.early());
                    out.flush();
                }
            }
            print(out, results, floor);
            write(results, floor);
        }
        return results.stream().allMatch(r -> r.early() == 0 && r.succeeded() == pipelines) ? 0 : 1;
    }

    private Run run(OwnStack own, TaskClient client, StatusTimes times, String tag) throws Exception {
        int steps = pipelines * STEPS.size();
        long before = times.count(StatusTimes.SUCCEEDED);
        long start = System.currentTimeMillis();
        List<CompletableFuture<String>> sent = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            sent.add(client.submit(TaskClient.request("noop").build()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        awaitSucceeded(times, before + steps);
        double tasksPerSecond = steps * 1000.0 / Math.max(1, times.last(StatusTimes.SUCCEEDED) - start);

        List<String> ids = new ArrayList<>();
        start = System.currentTimeMillis();
        List<CompletableFuture<?>> submitted = new ArrayList<>();
        for (int i = 0; i < pipelines; i++) {
            ids.add(String.format("%s-%05d", tag, i));
            submitted.add(client.submitPipeline(pipeline(ids.get(i))));
        }
        CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        awaitSucceeded(times, before + 2L * steps);
        double stepsPerSecond = steps * 1000.0 / Math.max(1, times.last(StatusTimes.SUCCEEDED) - start);
        Histogram queued = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        Histogram delay = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long early = 0;
        for (String id : ids) {
            for (Map.Entry<String, List<String>> step : STEPS.entrySet()) {
                if (step.getValue().isEmpty()) {
                    continue;
                }
                long[] at = times.of(PipelineRuns.stepTaskId(id, step.getKey()));
                long started = at[StatusTimes.STARTED];
                long ready = step.getValue().stream().mapToLong(d -> times.of(PipelineRuns.stepTaskId(id, d))
                    [StatusTimes.SUCCEEDED]).max().orElseThrow();
                if (started < ready) {
                    early++;
                } else {
                    delay.recordValue(TimeUnit.MILLISECONDS.toMicros(started - ready));
                    queued.recordValue(TimeUnit.MILLISECONDS.toMicros(Math.max(0, at[StatusTimes.QUEUED] - ready)));
                }
            }
        }
        return new Run(tasksPerSecond, stepsPerSecond, queued, delay, succeeded(own, ids), early);
    }

    private static void awaitSucceeded(StatusTimes times, long n) throws InterruptedException {
        if (!times.await(StatusTimes.SUCCEEDED, n, Duration.ofMinutes(5))) {
            throw new IllegalStateException("Only " + times.count(StatusTimes.SUCCEEDED) + " of " + n
                + " tasks SUCCEEDED within 5 minutes");
        }
    }

    private static Pipeline pipeline(String id) {
        List<PipelineStep> steps = new ArrayList<>();
        STEPS.forEach((name, dependsOn) -> steps.add(PipelineStep.newBuilder().setName(name).setDependsOn(dependsOn)
            .setTask(TaskClient.request("noop").build()).build()));
        return Pipeline.newBuilder().setPipelineId(id).setName(id).setSteps(steps).setSubmittedAt(Instant.now())
            .build();
    }

    /** How many of {@code ids} the scheduler shows SUCCEEDED (it writes the state as the last step's status comes). */
    private static long succeeded(OwnStack own, List<String> ids) throws Exception {
        Map<String, String> states = new TreeMap<>();
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            String after = "";
            states.clear();
            while (after != null) {
                HttpResponse<String> page = own.apps().http().send(own.apps().authorized(HttpRequest.newBuilder(
                    URI.create(own.apps().schedulerUrl() + "/pipelines?limit=10000&after=" + after))).build(),
                    HttpResponse.BodyHandlers.ofString());
                JsonNode body = HttpApi.JSON.readTree(page.body());
                body.path("pipelines").forEach(p -> states.put(p.path("pipelineId").asText(), p.path("state")
                    .asText()));
                after = body.path("next").isTextual() ? body.path("next").asText() : null;
            }
        } while (ids.stream().anyMatch(id -> !"SUCCEEDED".equals(states.get(id)))
            && System.currentTimeMillis() < deadline && pause());
        return ids.stream().filter(id -> "SUCCEEDED".equals(states.get(id))).count();
    }

    private static boolean pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(500);
        return true;
    }

    private void print(PrintWriter out, List<Run> results, Histogram floor) {
        out.printf("%nkafka-sas bench pipelines: %,d pipelines of %d steps, %d agents x %d slots, median of %d"
            + " runs%n", pipelines, STEPS.size(), agents, slots, results.size());
        out.printf("  single tasks           %,10.0f tasks/s   (as many no-op tasks as steps, submitted at once)%n",
            Stats.median(results, Run::tasksPerSecond));
        out.printf("  pipeline steps         %,10.0f steps/s   (%.0f %% of single tasks)%n",
            Stats.median(results, Run::stepsPerSecond), 100 * Stats.median(results, Run::stepsPerSecond)
                / Stats.median(results, Run::tasksPerSecond));
        out.printf("  dependency -> queued   p50 %8.1f  p99 %8.1f ms   (last dependency SUCCEEDED -> step's task"
            + " emitted to its queue)%n", Stats.median(results, r -> Stats.ms(r.queued(), 50)), Stats.median(results,
                r -> Stats.ms(r.queued(), 99)));
        out.printf("  dependency -> start    p50 %8.1f  p99 %8.1f ms   (last dependency SUCCEEDED -> step STARTED)%n",
            Stats.median(results, r -> Stats.ms(r.delay(), 50)), Stats.median(results, r -> Stats.ms(r.delay(),
                99)));
        out.printf("  raw Kafka, one txn hop p50 %8.1f  p99 %8.1f ms   (500 records/s, same broker)%n",
            Stats.ms(floor, 50), Stats.ms(floor, 99));
        out.printf("  pipelines SUCCEEDED    %s; steps started before a dependency succeeded: %d%n",
            results.stream().map(r -> r.succeeded() + "/" + pipelines).toList(),
            results.stream().mapToLong(Run::early).sum());
        out.flush();
    }

    private void write(List<Run> results, Histogram floor) throws Exception {
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pipelines", pipelines);
        json.put("stepsPerPipeline", STEPS.size());
        json.put("agents", agents);
        json.put("slots", slots);
        json.put("runs", results.stream().map(r -> Map.of("tasksPerSecond", r.tasksPerSecond(), "stepsPerSecond",
            r.stepsPerSecond(), "dependencyToQueuedMs", Stats.percentiles(r.queued()),
            "dependencyToStartMs", Stats.percentiles(r.delay()), "succeeded", r.succeeded(),
            "startedEarly", r.early())).toList());
        json.put("rawKafkaHopMs", Stats.percentiles(floor));
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("pipelines.json").toFile(), json);
        stack.out().printf("%nReport: %s%n", report.resolve("pipelines.json").toAbsolutePath());
        stack.out().flush();
    }
}
