package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How priorities hold under saturation: a trickle of urgent tasks through a large backlog of others. */
@Command(name = "limits", mixinStandardHelpOptions = true,
    description = "Benchmarks priorities on a local stack of its own: a backlog of low-priority sleep tasks, then"
        + " a trickle of high-priority ones while the backlog drains. Prints each kind's wait (first event queued"
        + " to STARTED, by the records' timestamps) p50/p99/max, the ratio of the high ones' p99 to the low ones',"
        + " and the longest wait of any low task; beside it one transactional hop of raw Kafka on the same broker.",
    footer = {"", "Target: high p99 wait at most 1/20 of the low ones'; every low task started.", "", "Examples:",
        "  bench limits                                  # 100,000 low, 20 high per second for 30 s",
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

    @Option(names = "--agents", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(names = "--slots", description = "Tasks each agent runs at once (default ${DEFAULT-VALUE}).")
    int slots = 16;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        try (OwnStack own = stack.start(agents, slots)) {
            SasConfig config = own.config();
            Histogram floor = FloorRun.likeRequests(config, highRate, Duration.ofSeconds(10));
            try (TaskClient client = TaskClient.create(config);
                 StatusTimes times = new StatusTimes(config.kafkaProperties(), config.topics())) {
                out.printf("Submitting %,d low-priority tasks ...%n", low);
                out.flush();
                List<String> lows = submit(client, low, -1);
                List<String> highs = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < highRate * highSeconds; i++) { // paced: one every 1/rate s
                    long due = start + TimeUnit.SECONDS.toNanos(i) / highRate;
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                    highs.addAll(submit(client, 1, 5));
                }
                if (!times.await(StatusTimes.STARTED, lows.size() + highs.size(), Duration.ofMinutes(30))) {
                    throw new IllegalStateException("Only " + times.count(StatusTimes.STARTED) + " tasks started");
                }
                Histogram highWait = waits(times, highs);
                Histogram lowWait = waits(times, lows);
                print(out, highWait, lowWait, floor, highs.size());
                write(highWait, lowWait, floor, highs.size());
                return Stats.ms(highWait, 99) <= Stats.ms(lowWait, 99) / 20 ? 0 : 1;
            }
        }
    }

    private List<String> submit(TaskClient client, int count, int priority) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        byte[] payload = ("{\"ms\":" + sleepMs + "}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++) {
            acks.add(client.submit(TaskClient.request("sleep").setPriority(priority)
                .setPayload(ByteBuffer.wrap(payload)).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
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

    private void print(PrintWriter out, Histogram high, Histogram low, Histogram floor, int highs) {
        out.printf("%nkafka-sas bench limits: %,d low-priority tasks queued, then %,d high-priority ones (%d/s for %d"
            + " s); sleeps of %d ms; %d agents x %d slots%n", this.low, highs, highRate, highSeconds, sleepMs, agents,
            slots);
        out.printf("  high: wait p50 %9.1f  p99 %9.1f  max %9.1f ms   (queued -> STARTED)%n", Stats.ms(high, 50),
            Stats.ms(high, 99), Stats.ms(high, 100));
        out.printf("  low:  wait p50 %9.1f  p99 %9.1f  max %9.1f ms   (the longest wait of any low task: the max)%n",
            Stats.ms(low, 50), Stats.ms(low, 99), Stats.ms(low, 100));
        out.printf("  high p99 / low p99     %.4f   (target at most 0.05)%n", Stats.ms(high, 99) / Stats.ms(low, 99));
        out.printf("  raw Kafka, one txn hop p50 %.1f  p99 %.1f ms   (same broker)%n", Stats.ms(floor, 50),
            Stats.ms(floor, 99));
        out.flush();
    }

    private void write(Histogram high, Histogram low, Histogram floor, int highs) throws Exception {
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("low", this.low);
        json.put("high", highs);
        json.put("sleepMs", sleepMs);
        json.put("agents", agents);
        json.put("slots", slots);
        json.put("highWaitMs", Stats.percentiles(high));
        json.put("lowWaitMs", Stats.percentiles(low));
        json.put("rawKafkaHopMs", Stats.percentiles(floor));
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("limits.json").toFile(), json);
        stack.out().printf("%nReport: %s%n", report.resolve("limits.json").toAbsolutePath());
        stack.out().flush();
    }
}
