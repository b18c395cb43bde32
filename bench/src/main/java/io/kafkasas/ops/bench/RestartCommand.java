package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.bench.RestartRun.App;
import io.kafkasas.ops.bench.RestartRun.Result;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How soon an app killed with kill -9 and started again is back at work. */
@Command(name = "restart", mixinStandardHelpOptions = true,
    description = "Benchmarks crash recovery on a local stack of its own: kill -9 of the scheduler, the supervisor"
        + " or an agent, started again at once (an agent by its host), timed from the kill until it answers and"
        + " until it is at work again: a task submitted over HTTP after the kill has started (scheduler); a task"
        + " submitted after the kill shows SUCCEEDED (supervisor); the new process has started a task (agent)."
        + " Each agent round kills the agent killed longest ago, once it has run 65 s, so that its host's restart"
        + " back-off (for crash loops) is not what is measured. Prints the median and the maximum of the rounds"
        + " against the 10 s target.",
    footer = {"", "Examples:", "  bench restart                           # 5 rounds of each app",
        "  bench restart --apps SUPERVISOR --rounds 3"})
public final class RestartCommand implements Callable<Integer> {

    private static final long TARGET_MS = 10_000;

    @Option(names = "--apps", split = ",", description = "Apps to kill, each --rounds times (default"
        + " ${DEFAULT-VALUE}).")
    List<App> apps = List.of(App.SCHEDULER, App.SUPERVISOR, App.AGENT);

    @Option(names = "--rounds", description = "Rounds of each app (default ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--settle-seconds", description = "Pause between rounds, so that each starts from a stack at"
        + " rest (default ${DEFAULT-VALUE}).")
    int settleSeconds = 5;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        List<Result> results = new ArrayList<>();
        try (OwnStack own = stack.start(2, 4)) {
            SasConfig config = own.config();
            try (TaskClient client = TaskClient.create(config);
                 TaskTrail trail = new TaskTrail(config.kafkaProperties(), config.topics())) {
                RestartRun run = new RestartRun();
                for (App app : apps) {
                    for (int round = 1; round <= rounds; round++) {
                        TimeUnit.SECONDS.sleep(settleSeconds);
                        Result r = run.round(app, own.apps(), client, trail, Duration.ofMinutes(2));
                        out.printf("%s round %d: answers after %,d ms, at work after %,d ms%n", app, round,
                            r.answersMs(), r.atWorkMs());
                        out.flush();
                        results.add(r);
                    }
                }
            }
        }
        out.printf("%nkill -9, then started again: ms from the kill, median (max) of %d rounds; target: at work within"
            + " %,d ms%n", rounds, TARGET_MS);
        out.printf("  %-10s | %-16s | %-16s | %s%n", "app", "answers", "at work", "target");
        for (App app : apps) {
            List<Long> answers = results.stream().filter(r -> r.app() == app).map(Result::answersMs).toList();
            List<Long> atWork = results.stream().filter(r -> r.app() == app).map(Result::atWorkMs).toList();
            double median = Stats.percentile(atWork, 50);
            out.printf("  %-10s | %7.0f (%6.0f) | %7.0f (%6.0f) | %s%n", app, Stats.percentile(answers, 50),
                Stats.percentile(answers, 100), median, Stats.percentile(atWork, 100),
                atWork.contains(-1L) ? "missed: not at work within 2 min in some round"
                    : median <= TARGET_MS ? "met at the median" : String.format("missed by %,.0f ms", median
                    - TARGET_MS));
        }
        Path report = stack.dir().resolve("report");
        Files.createDirectories(report);
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("restart.json").toFile(),
            Map.of("targetMs", TARGET_MS, "rounds", results));
        out.printf("%nReport: %s%n", report.resolve("restart.json").toAbsolutePath());
        out.flush();
        return 0;
    }
}
