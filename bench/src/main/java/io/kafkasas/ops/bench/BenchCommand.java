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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the local stack: closed-loop throughput of no-op tasks, the raw-Kafka ceiling for the records one task
 * costs, and open-loop latency at fixed rates. Prints a table, writes {@code report.json} and SVG charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {RecoveryCommand.class, RestartCommand.class, FootprintCommand.class, ScaleCommand.class,
        SchedulesCommand.class, PipelinesCommand.class, LimitsCommand.class, DashboardCommand.class},
    description = "Benchmarks kafka-sas on a local stack of its own (broker, registry, scheduler, supervisor, an"
        + " agent host): throughput, the raw-Kafka ceiling on the same broker, and open-loop latency. Prints medians"
        + " of --runs runs, writes report.json and SVG charts.",
    footer = {"", "Examples:", "  bench                                   # 200,000 tasks x 3, rates 500/1000/5000",
        "  bench --tasks 20000 --runs 1 --rates 1000 --seconds 10   # a quick look"})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--tasks", description = "No-op tasks per throughput run (default ${DEFAULT-VALUE}).")
    long tasks = 200_000;

    @Option(names = "--runs", description = "Runs of each measurement; medians are reported (default"
        + " ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--agents", description = "Agents on the host (default ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(names = "--concurrency", description = "Tasks each agent runs at once (default ${DEFAULT-VALUE}).")
    int concurrency = 256;

    @Option(names = "--rates", split = ",", description = "Open-loop rates in tasks/s (default ${DEFAULT-VALUE}).")
    List<Integer> rates = List.of(500, 1000, 5000);

    @Option(names = "--seconds", description = "Length of each open-loop run (default ${DEFAULT-VALUE}).")
    int seconds = 20;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        try (OwnStack own = stack.start(agents, concurrency)) {
            SasConfig config = own.config();
            Map<String, Object> kafka = config.kafkaProperties();
            try (TaskClient client = TaskClient.create(config); Admin admin = Admin.create(kafka)) {
                Measurements m = measure(out, client, admin, config, own.supervisor().applicationId());
                print(out, m);
                write(report, m);
                out.printf("%nReport: %s (report.json, throughput.svg, latency.svg,"
                    + " latency-percentiles.svg)%n", report.toAbsolutePath());
            }
        }
        return 0;
    }

    private record Measurements(List<ThroughputRun.Result> throughput, List<Double> rawRecordsPerSecond,
                                double recordsPerTask, double bytesPerRecord, List<RateLatency> latency) {

        double tasksPerSecond() {
            return Stats.median(throughput, ThroughputRun.Result::tasksPerSecond);
        }

        double ceilingTasksPerSecond() {
            return Stats.median(rawRecordsPerSecond, d -> d) / recordsPerTask;
        }
    }

    /** Our open-loop run at one rate, and the floor of one transactional hop measured just before it. */
    private record RateLatency(OpenLoopRun.Result ours, Histogram floor) {
    }

    private Measurements measure(PrintWriter out, TaskClient client, Admin admin, SasConfig config,
                                 String supervisor) throws Exception {
        Map<String, Object> kafka = config.kafkaProperties();
        var topics = config.topics();
        Duration timeout = Duration.ofMinutes(10);
        String prefix = config.topicNames().prefix();
        out.printf("Warming up (2,000 tasks) ...%n");
        out.flush();
        ThroughputRun.run(client, kafka, topics, admin, prefix, supervisor, 2000, timeout);
        List<ThroughputRun.Result> throughput = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            ThroughputRun.Result result = ThroughputRun.run(client, kafka, topics, admin, prefix, supervisor, tasks,
                timeout);
            out.printf("throughput run %d: %,.0f tasks/s end to end (%,d tasks SUCCEEDED in the supervisor's view in"
                + " %.1f s)%n", run, result.tasksPerSecond(), result.tasks(), result.supervisedSeconds());
            out.flush();
            throughput.add(result);
        }
        double recordsPerTask = Stats.median(throughput, ThroughputRun.Result::recordsPerTask);
        double bytesPerRecord = Stats.median(throughput, ThroughputRun.Result::bytesPerTask) / recordsPerTask;
        List<Double> raw = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double perSecond = RawKafkaRun.run(admin, kafka, Math.round(tasks * recordsPerTask),
                (int) Math.round(bytesPerRecord), 12);
            out.printf("raw Kafka run %d: %,.0f records/s (%,.0f records of %.0f bytes)%n", run, perSecond,
                tasks * recordsPerTask, bytesPerRecord);
            out.flush();
            raw.add(perSecond);
        }
        List<RateLatency> latency = new ArrayList<>();
        int partitions = admin.describeTopics(List.of(config.topicNames().tasks(config.topicNames().queues().get(0))))
            .allTopicNames().get().values().iterator().next().partitions().size();
        for (int rate : rates) {
            Histogram floor = FloorRun.run(admin, kafka, rate, Duration.ofSeconds(seconds), partitions);
            OpenLoopRun.Result result = OpenLoopRun.run(client, kafka, topics, rate, Duration.ofSeconds(seconds),
                timeout);
            out.printf("open loop at %,d tasks/s: submit->started p50 %.1f ms, p99 %.1f ms; one transactional hop"
                + " p50 %.1f ms, p99 %.1f ms; agents' pickup p50 %.1f ms, p99 %.1f ms%n", rate,
                Stats.ms(result.started(), 50), Stats.ms(result.started(), 99), Stats.ms(floor, 50),
                Stats.ms(floor, 99), Stats.ms(result.pickup(), 50), Stats.ms(result.pickup(), 99));
            out.flush();
            latency.add(new RateLatency(result, floor));
        }
        return new Measurements(throughput, raw, recordsPerTask, bytesPerRecord, latency);
    }

    private void print(PrintWriter out, Measurements m) {
        out.printf("%nkafka-sas bench: %d agents x %d slots, %,d no-op tasks per run, medians of %d run(s)%n",
            agents, concurrency, tasks, runs);
        out.printf("  end to end             %,10.0f tasks/s (SUCCEEDED in the supervisor's view)%n",
            m.tasksPerSecond());
        out.printf("  stage: submitted       %,10.0f tasks/s (client)%n",
            Stats.median(m.throughput(), r -> r.tasks() / r.submitSeconds()));
        out.printf("  stage: queued          %,10.0f tasks/s (scheduler)%n",
            Stats.median(m.throughput(), r -> r.tasks() / r.queuedSeconds()));
        out.printf("  stage: started         %,10.0f tasks/s (agents)%n",
            Stats.median(m.throughput(), r -> r.tasks() / r.startedSeconds()));
        out.printf("  stage: succeeded       %,10.0f tasks/s (agents' statuses)%n",
            Stats.median(m.throughput(), r -> r.tasks() / r.succeededSeconds()));
        out.printf("  one task costs         %10.1f log records (incl. transaction markers), %.0f bytes each%n",
            m.recordsPerTask(), m.bytesPerRecord());
        out.printf("    by topic: %s%n", String.join(", ", recordsByTopic(m).entrySet().stream()
            .map(e -> String.format("%s %.2f", e.getKey(), e.getValue())).toList()));
        out.printf("  raw Kafka ceiling      %,10.0f records/s = %,.0f tasks/s; ours is %.0f%% of it%n",
            Stats.median(m.rawRecordsPerSecond(), d -> d), m.ceilingTasksPerSecond(),
            100 * m.tasksPerSecond() / m.ceilingTasksPerSecond());
        out.printf("  open-loop latency (ms, from the intended send time):%n");
        out.printf("    %8s %9s | %-26s | %-26s | %-26s | %-26s | %s%n", "rate/s", "achieved",
            "submit->queued p50/p99/p99.9", "submit->started p50/p99/p99.9", "submit->succeeded p50/p99/p99.9",
            "floor: one txn hop p50/p99/p99.9", "started p99 / floor p99");
        for (RateLatency l : m.latency()) {
            OpenLoopRun.Result r = l.ours();
            Histogram floor = l.floor();
            out.printf("    %,8d %,9.0f | %s | %s | %s | %s | %.1fx%n", r.rate(), r.achievedRate(), row(r.queued()),
                row(r.started()), row(r.succeeded()), row(floor), Stats.ms(r.started(), 99) / Stats.ms(floor, 99));
        }
        out.flush();
    }

    private void write(Path report, Measurements m) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("agents", agents);
        json.put("concurrency", concurrency);
        json.put("tasksPerRun", tasks);
        json.put("runs", m.throughput());
        json.put("tasksPerSecond", m.tasksPerSecond());
        json.put("recordsPerTask", m.recordsPerTask());
        json.put("bytesPerRecord", m.bytesPerRecord());
        json.put("recordsPerTaskByTopic", recordsByTopic(m));
        json.put("rawRecordsPerSecond", m.rawRecordsPerSecond());
        json.put("ceilingTasksPerSecond", m.ceilingTasksPerSecond());
        List<Map<String, Object>> latency = new ArrayList<>();
        for (RateLatency l : m.latency()) {
            OpenLoopRun.Result r = l.ours();
            latency.add(Map.of("rate", r.rate(), "achievedRate", r.achievedRate(), "tasks", r.tasks(),
                "queuedMs", Stats.percentiles(r.queued()), "startedMs", Stats.percentiles(r.started()),
                "succeededMs", Stats.percentiles(r.succeeded()), "floorMs", Stats.percentiles(l.floor()),
                "pickupMs", Stats.percentiles(r.pickup())));
        }
        json.put("latency", latency);
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("report.json").toFile(), json);
        List<Svg.Bar> bars = new ArrayList<>();
        for (int i = 0; i < m.throughput().size(); i++) {
            bars.add(new Svg.Bar("kafka-sas run " + (i + 1), m.throughput().get(i).tasksPerSecond(), 0));
        }
        bars.add(new Svg.Bar("raw Kafka, same records", m.ceilingTasksPerSecond(), 1));
        Svg.bars(report.resolve("throughput.svg"), "No-op tasks per second, end to end", "tasks/s", bars);
        List<Svg.Bar> latencyBars = new ArrayList<>();
        for (RateLatency l : m.latency()) {
            OpenLoopRun.Result r = l.ours();
            for (double p : new double[] {50, 99, 99.9}) {
                latencyBars.add(new Svg.Bar(String.format("%,d/s submit->started p%s", r.rate(),
                    Svg.format(p)), Stats.ms(r.started(), p), p == 50 ? 0 : 2));
            }
        }
        Svg.bars(report.resolve("latency.svg"), "Open-loop latency, from the intended send time", "ms", latencyBars);
        List<Svg.Curve> curves = new ArrayList<>();
        for (int i = 0; i < m.latency().size(); i++) {
            RateLatency l = m.latency().get(i);
            int rate = l.ours().rate();
            curves.add(new Svg.Curve(String.format("%,d/s submit->started", rate), curve(l.ours().started()), i,
                false));
            curves.add(new Svg.Curve(String.format("%,d/s one transactional hop", rate), curve(l.floor()), i, true));
        }
        Svg.percentiles(report.resolve("latency-percentiles.svg"), "Latency by percentile, from the intended send"
            + " time", "ms", curves);
    }

    /** The median over the runs of each topic's records per task. */
    private static Map<String, Double> recordsByTopic(Measurements m) {
        Map<String, Double> medians = new TreeMap<>();
        m.throughput().stream().flatMap(r -> r.recordsPerTaskByTopic().keySet().stream()).distinct()
            .forEach(topic -> medians.put(topic, Stats.median(m.throughput(),
                r -> r.recordsPerTaskByTopic().getOrDefault(topic, 0.0))));
        return medians;
    }

    private static List<double[]> curve(Histogram h) {
        List<double[]> points = new ArrayList<>();
        for (double p : new double[] {0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99}) {
            points.add(new double[] {p, Stats.ms(h, p)});
        }
        return points;
    }

    private static String row(Histogram h) {
        return String.format("%8.1f %8.1f %8.1f", Stats.ms(h, 50), Stats.ms(h, 99), Stats.ms(h, 99.9));
    }
}
