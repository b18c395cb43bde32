package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scale: the supervisor's state, memory and punctuation cost with many tasks in flight and many agents. */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Measures the supervisor with many tasks in flight on many simulated agents (records only: they"
        + " heartbeat and have started tasks that never end). The counts double each step up to --tasks and"
        + " --agents; each step reports state bytes per task and per agent, RocksDB on disk, heap after a full GC,"
        + " resident memory and punctuation time, and how each grew.",
    footer = {"", "Examples:", "  bench scale                             # up to 100,000 tasks on 1,000 agents",
        "  bench scale --tasks 20000 --agents 200 --steps 2"})
public final class ScaleCommand implements Callable<Integer> {

    @Option(names = "--tasks", description = "Tasks in flight at the last step (default ${DEFAULT-VALUE}).")
    int tasks = 100_000;

    @Option(names = "--agents", description = "Simulated agents at the last step (default ${DEFAULT-VALUE}).")
    int agents = 1000;

    @Option(names = "--steps", description = "Steps; the counts double from one to the next (default"
        + " ${DEFAULT-VALUE}).")
    int steps = 3;

    @Option(names = "--start-rate", description = "Tasks the simulated agents start per second (default"
        + " ${DEFAULT-VALUE}).")
    int startRate = 1000;

    @Option(names = "--settle-seconds", description = "Time at each step, after the supervisor caught up, before"
        + " measuring: punctuations and heartbeats go on (default ${DEFAULT-VALUE}).")
    int settleSeconds = 30;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        try (OwnStack own = stack.start(0, 0)) { // the agents are simulated
            SasConfig config = own.config();
            SupervisorConfig supervisor = own.supervisor();
            List<SupervisorState.Sample> samples = new ArrayList<>();
            try (Admin admin = Admin.create(config.kafkaProperties());
                 SimulatedAgents sim = new SimulatedAgents(config.kafkaProperties(), config.topics(),
                     Duration.ofSeconds(1))) {
                SupervisorState state = new SupervisorState(config.kafkaProperties(), admin,
                    supervisor.applicationId(), LocalApps.supervisorStateDir(stack.dir()), own.apps());
                int started = 0;
                for (int step = steps - 1; step >= 0; step--) {
                    int agentCount = Math.max(1, agents >> step);
                    int taskCount = Math.max(1, tasks >> step);
                    sim.growTo(agentCount);
                    sim.startTasks(taskCount - started, startRate);
                    started = taskCount;
                    long caughtUp = System.nanoTime();
                    SupervisorProgress.awaitCaughtUp(admin, config.kafkaProperties(), supervisor.applicationId(),
                        config.topicNames().taskStatus(), Duration.ofMinutes(15));
                    out.printf("%,d tasks on %,d agents: the supervisor caught up %.1f s after the last was started;"
                        + " settling %d s ...%n", taskCount, agentCount, (System.nanoTime() - caughtUp) / 1e9,
                        settleSeconds);
                    out.flush();
                    TimeUnit.SECONDS.sleep(settleSeconds);
                    samples.add(state.sample(taskCount, agentCount));
                }
            }
            print(out, samples);
            Path report = stack.dir().resolve("report");
            Files.createDirectories(report);
            HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(report.resolve("scale.json").toFile(),
                Map.of("settleSeconds", settleSeconds, "jvmOptions", LocalApps.JVM_OPTIONS, "steps", samples));
            out.printf("%nReport: %s%n", report.resolve("scale.json").toAbsolutePath());
            return 0;
        }
    }

    private static void print(PrintWriter out, List<SupervisorState.Sample> samples) {
        out.printf("%nThe supervisor at scale (state: the live bytes of its stores' changelogs, keys and values;"
            + " heap: used after a full GC)%n");
        out.printf("  %9s %7s | %10s %11s | %9s %9s %9s | %-22s%n", "tasks", "agents", "B per task",
            "B per agent", "RocksDB", "heap", "RSS", "punctuate");
        out.printf("  %9s %7s | %10s %11s | %9s %9s %9s | %6s %6s %8s%n", "", "", "(tasks)", "(agents)", "files MiB",
            "MiB", "MiB", "avg ms", "max ms", "% of time");
        SupervisorState.Sample previous = null;
        for (SupervisorState.Sample s : samples) {
            out.printf("  %,9d %,7d | %,10.0f %,11.0f | %,9.1f %,9.1f %,9.1f | %6.2f %6.2f %8.2f%n", s.tasks(),
                s.agents(), s.taskStoreBytes() / (double) s.tasks(), s.agentStoreBytes() / (double) s.agents(),
                s.rocksDbMiB(), s.heapMiB(), s.rssMiB(), s.punctuateAvgMs(), s.punctuateMaxMs(),
                100 * s.punctuateRatio());
            if (previous != null) {
                out.printf("  %9s %7s | growth: state x%.2f, heap x%.2f, RSS +%,.0f B per added task, punctuate avg"
                    + " x%.2f%n", "", "", (double) s.taskStoreBytes() / previous.taskStoreBytes(),
                    s.heapMiB() / previous.heapMiB(),
                    (s.rssMiB() - previous.rssMiB()) * 1024 * 1024 / (s.tasks() - previous.tasks()),
                    s.punctuateAvgMs() / previous.punctuateAvgMs());
            }
            previous = s;
        }
        out.printf("  target: supervisor state under 1 KB (1,024 B) per in-flight task%n");
        out.flush();
    }
}
