package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.bench.RecoveryRun.Fault;
import io.kafkasas.ops.bench.RecoveryRun.Result;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Detection and recovery: how long a dead or hung agent's tasks wait before they run again. */
@Command(name = "recovery", mixinStandardHelpOptions = true,
    description = "Benchmarks detection and recovery on a local stack of its own: fills the agents with sleep tasks,"
        + " then kill -9s (a crash; the host starts the agent again) or SIGSTOPs (a hang; only the supervisor's"
        + " heartbeat timeout finds it) the agent running the most, and times each of its tasks from the fault"
        + " until re-emitted by the supervisor, started again and succeeded. Prints p50/p99 over all rounds.",
    footer = {"", "Examples:", "  bench recovery                          # 5 rounds each of KILL and STOP",
        "  bench recovery --rounds 10 --faults STOP --tasks-per-agent 32",
        "  bench recovery --load-rate 1000        # while 1,000 no-op tasks/s flow"})
public final class RecoveryCommand implements Callable<Integer> {

    @Option(names = "--agents", description = "Agents on the host, at least 2 (default ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(names = "--tasks-per-agent", description = "Running tasks per agent when the fault comes (default"
        + " ${DEFAULT-VALUE}).")
    int tasksPerAgent = 16;

    @Option(names = "--task-seconds", description = "How long each task sleeps (default ${DEFAULT-VALUE}).")
    int taskSeconds = 8;

    @Option(names = "--rounds", description = "Rounds of each fault (default ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--load-rate", description = "No-op tasks submitted per second for the whole run, beside the"
        + " victims' tasks, so that detection is measured under load (default ${DEFAULT-VALUE}: none).")
    int loadRate = 0;

    @Option(names = "--faults", split = ",", description = "Faults, each --rounds times (default ${DEFAULT-VALUE}).")
    List<Fault> faults = List.of(Fault.KILL, Fault.STOP);

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        // twice the slots the tasks fill, so that the survivors have room for the victim's tasks: the figures are
        // then about detection and recovery, not about waiting for a free slot
        int slots = 2 * tasksPerAgent;
        try (OwnStack own = stack.start(agents, slots)) {
            SasConfig config = own.config();
            Duration timeout = own.supervisor().heartbeatTimeout();
            List<Result> results = new ArrayList<>();
            double loaded;
            try (TaskClient client = TaskClient.create(config);
                 TaskTrail trail = new TaskTrail(config.kafkaProperties(), config.topics());
                 BackgroundLoad load = new BackgroundLoad(client, loadRate)) {
                for (Fault fault : faults) {
                    for (int round = 1; round <= rounds; round++) {
                        Result r = RecoveryRun.round(client, own.apps(), trail, fault, agents * tasksPerAgent,
                            Duration.ofSeconds(taskSeconds), Duration.ofMinutes(3));
                        out.printf("%s round %d: %s, re-emitted after %s ms%n", fault, round, r.victim(),
                            r.reEmittedMs());
                        out.flush();
                        results.add(r);
                    }
                }
                loaded = load.achievedRate();
            }
            if (loadRate > 0) {
                out.printf("%nBackground load: %,d no-op tasks/s asked, %,.0f submitted%n", loadRate, loaded);
            }
            print(out, results, timeout);
            write(report, results, timeout);
            out.printf("%nReport: %s (recovery.json, recovery.svg)%n", report.toAbsolutePath());
            return 0;
        }
    }

    private void print(PrintWriter out, List<Result> results, Duration timeout) {
        out.printf("%nDetection and recovery: %d agents x %d tasks of %d s, heartbeat timeout %,d ms;"
            + " ms from the fault, over every task of the victims%n", agents, tasksPerAgent, taskSeconds,
            timeout.toMillis());
        out.printf("  %-5s %6s %6s | %-22s | %-22s | %-22s%n", "fault", "rounds", "tasks", "re-emitted p50/p99/max",
            "started again p50/p99", "succeeded p50/p99");
        for (Fault fault : faults) {
            Map<String, List<Long>> steps = steps(results, fault);
            List<Long> reEmitted = steps.get("reEmittedMs");
            out.printf("  %-5s %6d %6d | %6.0f %6.0f %8.0f | %9.0f %12.0f | %9.0f %12.0f%n", fault, rounds,
                reEmitted.size(), Stats.percentile(reEmitted, 50), Stats.percentile(reEmitted, 99),
                Stats.percentile(reEmitted, 100), Stats.percentile(steps.get("restartedMs"), 50),
                Stats.percentile(steps.get("restartedMs"), 99), Stats.percentile(steps.get("succeededMs"), 50),
                Stats.percentile(steps.get("succeededMs"), 99));
            long missing = reEmitted.stream().filter(ms -> ms < 0).count();
            if (missing > 0) {
                out.printf("  %-5s %d task(s) never re-emitted (counted as -1 above)%n", fault, missing);
            }
        }
        long target = timeout.toMillis() + 1000;
        double p99 = Stats.percentile(steps(results, Fault.STOP).get("reEmittedMs"), 99);
        if (faults.contains(Fault.STOP)) {
            out.printf("  target: a hung agent's tasks re-emitted within the heartbeat timeout + 1 s = %,d ms at p99:"
                + " %s%n", target, p99 <= target ? "met" : String.format("missed by %,.0f ms", p99 - target));
        }
        out.flush();
    }

    /** Every task's milliseconds per step, for one kind of fault. */
    private static Map<String, List<Long>> steps(List<Result> results, Fault fault) {
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        steps.put("reEmittedMs", new ArrayList<>());
        steps.put("restartedMs", new ArrayList<>());
        steps.put("succeededMs", new ArrayList<>());
        for (Result r : results) {
            if (r.fault() == fault) {
                steps.get("reEmittedMs").addAll(r.reEmittedMs());
                steps.get("restartedMs").addAll(r.restartedMs());
                steps.get("succeededMs").addAll(r.succeededMs());
            }
        }
        return steps;
    }

    private void write(Path report, List<Result> results, Duration timeout) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("agents", agents);
        json.put("tasksPerAgent", tasksPerAgent);
        json.put("taskSeconds", taskSeconds);
        json.put("heartbeatTimeoutMs", timeout.toMillis());
        json.put("loadRate", loadRate);
        json.put("rounds", results);
        List<Svg.Bar> bars = new ArrayList<>();
        for (Fault fault : faults) {
            Map<String, Object> summary = new LinkedHashMap<>();
            steps(results, fault).forEach((step, ms) -> {
                summary.put(step, Map.of("p50", Stats.percentile(ms, 50), "p99", Stats.percentile(ms, 99)));
            });
            json.put(fault.name(), summary);
            List<Long> reEmitted = steps(results, fault).get("reEmittedMs");
            bars.add(new Svg.Bar(fault + ": re-emitted p50", Stats.percentile(reEmitted, 50), 0));
            bars.add(new Svg.Bar(fault + ": re-emitted p99", Stats.percentile(reEmitted, 99), 2));
        }
        bars.add(new Svg.Bar("target: heartbeat timeout + 1 s", timeout.toMillis() + 1000, 1));
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("recovery.json").toFile(), json);
        Svg.bars(report.resolve("recovery.svg"), "Dead or hung agent: its tasks re-emitted after", "ms", bars);
    }
}
