package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How priorities hold under saturation (a trickle of urgent tasks through a large backlog of others), how a rate
 * limit holds across the agents, and how a concurrency limit does, in one run.
 */
@Command(name = "limits", mixinStandardHelpOptions = true,
    description = {"Benchmarks priorities and limits on a local stack of its own, one part after the other:",
        "priorities: a backlog of low-priority sleep tasks, then a trickle of high-priority ones while it drains;"
            + " each kind's wait (first event queued to STARTED) p50/p99/max, the ratio of the p99s, the longest"
            + " wait of any low task;",
        "rate: no-op tasks held under a limit of one start a minute until the scheduler holds them all, then the"
            + " limit set to --rate starts per second at run time; the starts per second in each full 10 s window"
            + " and in the busiest 10 s, from the agents' STARTED timestamps;",
        "concurrency: sleep tasks under a limit of --max-running at once; the most running at once per the status"
            + " log (STARTED to SUCCEEDED) and the tasks per second it let through.",
        "Beside them one transactional hop of raw Kafka on the same broker."},
    footer = {"", "Targets: high p99 wait at most 1/20 of the low ones'; every 10 s window within 5 % of the rate;"
        + " never more than --max-running at once.", "", "Examples:",
        "  bench limits                                  # all three parts, 3 agents",
        "  bench limits --parts rate,concurrency         # the limits only",
        "  bench limits --low 10000 --high-seconds 10    # a quick look"})
public final class LimitsCommand implements Callable<Integer> {

    @Option(names = "--low", description = "Low-priority tasks in the backlog (default ${DEFAULT-VALUE}).")
    int low = 100_000;

    @Option(names = "--high-rate", description = "High-priority tasks per second (default ${DEFAULT-VALUE}).")
    int highRate = 20;

    @Option(names = "--high-seconds", description = "For how long they come (default ${DEFAULT-VALUE}).")
    int highSeconds = 30;

    @Option(names = "--sleep-ms", description = "How long every task sleeps (default ${DEFAULT-VALUE}).")
    int sleepMs = 10;

    @Option(names = "--rate", description = "The rate part's limit, starts per second (default ${DEFAULT-VALUE}).")
    double rate = 200;

    @Option(names = "--rate-tasks", description = "The rate part's tasks (default ${DEFAULT-VALUE}: a minute).")
    int rateTasks = 12_000;

    @Option(names = "--max-running", description = "The concurrency part's limit (default ${DEFAULT-VALUE}).")
    int maxRunning = 5;

    @Option(names = "--concurrency-tasks", description = "The concurrency part's tasks (default ${DEFAULT-VALUE}).")
    int concurrencyTasks = 500;

    @Option(names = "--concurrency-sleep-ms", description = "How long each of them sleeps (default ${DEFAULT-VALUE}).")
    int concurrencySleepMs = 100;

    @Option(names = "--parts", split = ",", description = "Which parts: priorities, rate, concurrency (default: all).")
    EnumSet<Part> parts = EnumSet.allOf(Part.class);

    @Option(names = "--agents", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents = 3;

    @Option(names = "--slots", description = "Tasks each agent runs at once (default ${DEFAULT-VALUE}).")
    int slots = 16;

    @Mixin
    StackOptions stack;

    /** The parts of the run. */
    enum Part { PRIORITIES, RATE, CONCURRENCY }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        try (OwnStack own = stack.start(agents, slots)) {
            SasConfig config = own.config();
            Histogram floor = FloorRun.likeRequests(config, highRate, Duration.ofSeconds(10));
            Map<String, Object> report = new LinkedHashMap<>(Map.of("agents", agents, "slots", slots,
                "rawKafkaHopMs", Stats.percentiles(floor)));
            boolean met = true;
            try (TaskClient client = TaskClient.create(config);
                 StatusTimes times = new StatusTimes(config.kafkaProperties(), config.topics())) {
                out.printf("%nkafka-sas bench limits: %d agents x %d slots%n", agents, slots);
                if (parts.contains(Part.PRIORITIES)) {
                    met &= priorities(client, times, report);
                }
                if (parts.contains(Part.RATE)) {
                    LimitRuns.Rate measured = LimitRuns.rate(own.apps(), client, times, rate, rateTasks);
                    print(out, measured);
                    report.put("rate", measured.json());
                    met &= measured.worstAbove() <= 0.05 && measured.worstBelow() >= -0.05;
                }
                if (parts.contains(Part.CONCURRENCY)) {
                    LimitRuns.Concurrency measured = LimitRuns.concurrency(own.apps(), client, times, maxRunning,
                        concurrencyTasks, concurrencySleepMs);
                    print(out, measured);
                    report.put("concurrency", measured.json());
                    met &= measured.mostAtOnce() <= maxRunning;
                }
            }
            out.printf("  raw Kafka, one txn hop p50 %.1f  p99 %.1f ms   (same broker)%n", Stats.ms(floor, 50),
                Stats.ms(floor, 99));
            write(report);
            return met ? 0 : 1;
        }
    }

    /** The priorities part; whether its target was met. */
    private boolean priorities(TaskClient client, StatusTimes times, Map<String, Object> report) throws Exception {
        PrintWriter out = stack.out();
        out.printf("Submitting %,d low-priority tasks ...%n", low);
        out.flush();
        List<String> lows = LimitRuns.submit(client, low, "sleep", -1, sleepMs, null);
        List<String> highs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < highRate * highSeconds; i++) { // paced: one every 1/rate s
            long due = start + TimeUnit.SECONDS.toNanos(i) / highRate;
            TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
            highs.addAll(LimitRuns.submit(client, 1, "sleep", 5, sleepMs, null));
        }
        if (!times.await(StatusTimes.STARTED, lows.size() + highs.size(), Duration.ofMinutes(30))) {
            throw new IllegalStateException("Only " + times.count(StatusTimes.STARTED) + " tasks started");
        }
        Histogram highWait = waits(times, highs);
        Histogram lowWait = waits(times, lows);
        print(out, highWait, lowWait, highs.size());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("low", low);
        json.put("high", highs.size());
        json.put("sleepMs", sleepMs);
        json.put("highWaitMs", Stats.percentiles(highWait));
        json.put("lowWaitMs", Stats.percentiles(lowWait));
        report.put("priorities", json);
        return Stats.ms(highWait, 99) <= Stats.ms(lowWait, 99) / 20;
    }

    /** From each task's first event being queued to its start, in µs. */
    private static Histogram waits(StatusTimes times, List<String> ids) {
        Histogram waits = new Histogram(TimeUnit.HOURS.toMicros(2), 3);
        for (String id : ids) {
            long[] at = times.of(id);
            waits.recordValue(TimeUnit.MILLISECONDS.toMicros(Math.max(0, at[StatusTimes.STARTED]
                - at[StatusTimes.QUEUED])));
        }
        return waits;
    }

    private void print(PrintWriter out, Histogram high, Histogram low, int highs) {
        out.printf("priorities: %,d low-priority tasks queued, then %,d high-priority ones (%d/s for %d s); sleeps of"
            + " %d ms%n", this.low, highs, highRate, highSeconds, sleepMs);
        out.printf("  high: wait p50 %9.1f  p99 %9.1f  max %9.1f ms   (queued -> STARTED)%n", Stats.ms(high, 50),
            Stats.ms(high, 99), Stats.ms(high, 100));
        out.printf("  low:  wait p50 %9.1f  p99 %9.1f  max %9.1f ms   (the longest wait of any low task: the max)%n",
            Stats.ms(low, 50), Stats.ms(low, 99), Stats.ms(low, 100));
        out.printf("  high p99 / low p99     %.4f   (target at most 0.05)%n", Stats.ms(high, 99) / Stats.ms(low, 99));
        out.flush();
    }

    private static void print(PrintWriter out, LimitRuns.Rate rate) {
        out.printf("rate: %,d no-op tasks under a limit of %.0f starts/s%n", rate.tasks(), rate.limit());
        out.printf("  starts/s per full 10 s window: %s%n", rate.perWindow().stream()
            .map(r -> String.format("%.1f", r)).toList());
        out.printf("  worst window %+.1f %% / %+.1f %% of the limit (target within 5 %%); busiest 10 s %.1f/s;"
            + " overall %.1f/s%n", rate.worstBelow() * 100, rate.worstAbove() * 100, rate.busiest(), rate.overall());
        out.printf("  (held at one start a minute until the scheduler held all %,d, which took the intake %,d ms; then"
            + " set to %.0f/s)%n", rate.tasks(), rate.arrivedMs(), rate.limit());
        out.flush();
    }

    private static void print(PrintWriter out, LimitRuns.Concurrency measured) {
        out.printf("concurrency: %,d sleep tasks of %d ms under a limit of %d running at once%n", measured.tasks(),
            measured.sleepMs(), measured.limit());
        out.printf("  most running at once (status log): %d (target at most %d); %.1f tasks/s (at most %.1f)%n",
            measured.mostAtOnce(), measured.limit(), measured.tasksPerSecond(),
            measured.limit() * 1000.0 / measured.sleepMs());
        out.flush();
    }

    private void write(Map<String, Object> report) throws Exception {
        Path dir = stack.dir().resolve("report");
        Files.createDirectories(dir);
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("limits.json").toFile(), report);
        stack.out().printf("%nReport: %s%n", dir.resolve("limits.json").toAbsolutePath());
        stack.out().flush();
    }
}
