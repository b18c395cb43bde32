package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleOverlap;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/** Whether every slot of many schedules fires exactly once, and how late, with and without a killed scheduler. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
    description = "Benchmarks schedules on a local stack of its own (no agents: the runs' tasks are only counted):"
        + " N schedules firing at the same interval for some minutes, optionally with the scheduler killed with"
        + " kill -9 (and started again) twice. Prints the slots expected, fired once, fired twice and missed, and the"
        + " firing lag (task emitted minus slot) p50/p99/max, beside one transactional hop of raw Kafka at the same"
        + " rate on the same broker.",
    footer = {"", "Targets: 0 doubled, 0 missed; p99 lag at most 1 s without faults, and within the session"
        + " time-out + 1 s across a kill.", "", "Examples:",
        "  bench schedules                               # 10,000 schedules every 10 s for 3 minutes",
        "  bench schedules --kill-scheduler",
        "  bench schedules --schedules 1000 --minutes 1  # a quick look"})
public final class SchedulesCommand implements Callable<Integer> {

    @Option(names = "--schedules", description = "Schedules (default ${DEFAULT-VALUE}).")
    int schedules = 10_000;

    @Option(names = "--every-seconds", description = "Their interval (default ${DEFAULT-VALUE}).")
    int everySeconds = 10;

    @Option(names = "--minutes", description = "How long slots are counted (default ${DEFAULT-VALUE}).")
    int minutes = 3;

    @Option(names = "--kill-scheduler", description = "kill -9 the scheduler at a third and at two thirds of the run;"
        + " it is started again at once.")
    boolean killScheduler;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        long every = TimeUnit.SECONDS.toMillis(everySeconds);
        try (OwnStack own = stack.start(0, 1)) {
            SasConfig config = own.config();
            Map<String, Object> kafka = config.kafkaProperties();
            double rate = schedules * 1000.0 / every;
            Histogram floor = FloorRun.likeRequests(config, (int) Math.max(1, Math.round(rate)),
                Duration.ofSeconds(20));
            try (TaskClient client = TaskClient.create(config);
                 ScheduleRunCount runs = new ScheduleRunCount(kafka, config.topics())) {
                out.printf("Creating %,d schedules 'every %ds' ...%n", schedules, everySeconds);
                out.flush();
                create(client);
                // slots are counted from the first boundary at least 15 s on, when every schedule is surely in force
                Instant from = Instant.ofEpochMilli((System.currentTimeMillis() + 15_000) / every * every + every);
                Instant to = from.plus(Duration.ofMinutes(minutes)).minusMillis(1);
                List<Instant> kills = new ArrayList<>();
                if (killScheduler) {
                    Duration third = Duration.between(from, to).dividedBy(3);
                    kills.add(from.plus(third).plusMillis(every / 2)); // between slots, as a crash would
                    kills.add(from.plus(third.multipliedBy(2)));      // right on a slot
                }
                for (Instant kill : kills) {
                    waitUntil(kill);
                    own.apps().crashScheduler();
                    out.printf("kill -9 of the scheduler at %s (started again at once)%n", kill);
                    out.flush();
                }
                waitUntil(to.plusSeconds(30)); // late slots (a kill) have fired by then
                ScheduleRunCount.Result result = runs.count(from, to, every, schedules);
                print(out, result, floor, rate, kills);
                write(result, floor, rate, kills);
            }
        }
        return 0;
    }

    private void create(TaskClient client) throws Exception {
        List<CompletableFuture<String>> sent = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < schedules; i++) {
            sent.add(client.putSchedule(Schedule.newBuilder().setScheduleId(String.format("bench-%05d", i))
                .setCron("every " + everySeconds + "s").setOverlap(ScheduleOverlap.ALLOW).setUpdatedAt(now)
                .setRequest(TaskClient.request("noop").build()).build()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    }

    private static void waitUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            TimeUnit.MILLISECONDS.sleep(ms);
        }
    }

    private void print(PrintWriter out, ScheduleRunCount.Result r, Histogram floor, double rate, List<Instant> kills) {
        out.printf("%nkafka-sas bench schedules: %,d schedules every %d s (%,.0f slots/s) for %d min%s%n", schedules,
            everySeconds, rate, minutes, kills.isEmpty() ? "" : ", scheduler killed " + kills.size() + "x");
        out.printf("  slots expected         %,10d%n", r.expected());
        out.printf("  fired once             %,10d%n", r.once());
        out.printf("  fired twice or more    %,10d   (requests written twice: %,d)%n", r.doubled(),
            r.requestsDoubled());
        out.printf("  missed                 %,10d%n", r.missed());
        out.printf("  firing lag, ms         p50 %8.1f  p99 %8.1f  max %8.1f   (task emitted - slot)%n",
            Stats.ms(r.lag(), 50), Stats.ms(r.lag(), 99), Stats.ms(r.lag(), 100));
        out.printf("  request written        p50 %8.1f  p99 %8.1f  max %8.1f   (- slot; 0 if handed over early)%n",
            Stats.ms(r.requestLag(), 50), Stats.ms(r.requestLag(), 99), Stats.ms(r.requestLag(), 100));
        out.printf("  raw Kafka, one txn hop p50 %8.1f  p99 %8.1f  max %8.1f   (same rate, same broker)%n",
            Stats.ms(floor, 50), Stats.ms(floor, 99), Stats.ms(floor, 100));
        out.flush();
    }

    private void write(ScheduleRunCount.Result r, Histogram floor, double rate, List<Instant> kills)
        throws Exception {
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schedules", schedules);
        json.put("everySeconds", everySeconds);
        json.put("minutes", minutes);
        json.put("slotsPerSecond", rate);
        json.put("kills", kills.stream().map(Instant::toString).toList());
        json.put("expected", r.expected());
        json.put("firedOnce", r.once());
        json.put("doubled", r.doubled());
        json.put("requestsDoubled", r.requestsDoubled());
        json.put("missed", r.missed());
        json.put("lagMs", Stats.percentiles(r.lag()));
        json.put("schedulerLagMs", Stats.percentiles(r.requestLag()));
        json.put("rawKafkaHopMs", Stats.percentiles(floor));
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("schedules.json").toFile(), json);
        stack.out().printf("%nReport: %s%n", report.resolve("schedules.json").toAbsolutePath());
        stack.out().flush();
    }
}
