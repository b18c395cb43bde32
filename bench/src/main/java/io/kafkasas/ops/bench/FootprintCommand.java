package io.kafkasas.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.LocalStack;
import io.kafkasas.schemas.config.SasConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Footprint: how long each app takes to start, how soon the first task runs, and how much memory each holds. */
@Command(name = "footprint", mixinStandardHelpOptions = true,
    description = "Starts a fresh local stack --runs times and measures each app's start-up time (process start to"
        + " healthy), the time from starting the apps to the first task SUCCEEDED (submitted before they start),"
        + " and each process's resident memory (RSS) once idle. Prints medians; writes footprint.json.",
    footer = {"", "Examples:", "  bench footprint", "  bench footprint --runs 5 --idle-seconds 60"})
public final class FootprintCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Data directory of the stacks (default ${DEFAULT-VALUE}).")
    Path dir = Path.of(".sas-footprint");

    @Option(names = "--runs", description = "Fresh stacks to measure; medians are reported (default"
        + " ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--agents", description = "Agents on the host (default ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(names = "--idle-seconds", description = "Idle time before the memory is read (default"
        + " ${DEFAULT-VALUE}).")
    int idleSeconds = 20;

    @Spec
    CommandSpec spec;

    /** One fresh stack's figures: milliseconds to ready or to the first task, and MiB resident, by process. */
    record Run(Map<String, Long> readyMs, long firstTaskMs, Map<String, Double> rssMiB) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Run> measured = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path runDir = dir.resolve("run-" + run);
            Run r = measure(runDir);
            out.printf("run %d: ready after %s ms, first task after %,d ms, RSS %s MiB%n", run, r.readyMs(),
                r.firstTaskMs(), r.rssMiB());
            out.flush();
            measured.add(r);
        }
        print(out, measured);
        Files.createDirectories(dir.resolve("report"));
        HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("report/footprint.json").toFile(),
            Map.of("jvmOptions", LocalApps.JVM_OPTIONS, "agents", agents, "idleSeconds", idleSeconds,
                "runs", measured));
        out.printf("%nReport: %s%n", dir.resolve("report/footprint.json").toAbsolutePath());
        return 0;
    }

    private Run measure(Path runDir) throws Exception {
        long begin = System.nanoTime();
        try (LocalStack stack = LocalStack.start(runDir, LocalStack.ANY_FREE_PORT, LocalStack.ANY_FREE_PORT)) {
            Map<String, Long> ready = new LinkedHashMap<>();
            ready.put("broker (with topics)", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
            SasConfig config = SasConfig.load(SasConfig.define(new ConfigDef()), stack.settingsFile(), Map.of());
            try (TaskClient client = TaskClient.create(config);
                 StatusTimes times = new StatusTimes(config.kafkaProperties(), config.topics())) {
                String first = client.submit(TaskClient.request("noop").build()).join();
                long appsStarted = System.currentTimeMillis();
                try (LocalApps apps = LocalApps.start(runDir, stack.settingsFile(), agents)) {
                    ready.putAll(apps.readyAfterMs());
                    if (!times.await(StatusTimes.SUCCEEDED, 1, Duration.ofMinutes(2))) {
                        throw new IllegalStateException("The first task did not succeed within 2 minutes");
                    }
                    long firstTask = times.of(first)[StatusTimes.SUCCEEDED] - appsStarted;
                    TimeUnit.SECONDS.sleep(idleSeconds);
                    Map<String, Double> rss = new LinkedHashMap<>();
                    rss.put("broker", rssMiB(stack.brokerPid()));
                    rss.put("scheduler", rssMiB(apps.scheduler().pid()));
                    rss.put("supervisor", rssMiB(apps.supervisor().pid()));
                    rss.put("agent host", rssMiB(apps.host().pid()));
                    for (JsonNode slot : apps.slots()) {
                        rss.put("agent " + slot.get("agentId").asText(), rssMiB(slot.get("pid").asLong()));
                    }
                    return new Run(ready, firstTask, rss);
                }
            }
        }
    }

    /** VmRSS from /proc (Linux), in MiB. */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("No VmRSS for pid " + pid);
    }

    private void print(PrintWriter out, List<Run> measured) {
        out.printf("%nFootprint: medians of %d fresh stack(s); apps run with %s, idle %d s before RSS%n", runs,
            String.join(" ", LocalApps.JVM_OPTIONS), idleSeconds);
        out.printf("  %-22s %12s %14s%n", "process", "ready (ms)", "RSS idle (MiB)");
        for (String name : measured.get(0).readyMs().keySet()) {
            String rssKey = name.startsWith("broker") ? "broker" : name;
            out.printf("  %-22s %,12.0f %14s%n", name, Stats.median(measured, r -> r.readyMs().get(name)),
                measured.get(0).rssMiB().containsKey(rssKey)
                    ? String.format("%,.0f", Stats.median(measured, r -> r.rssMiB().get(rssKey))) : "");
        }
        for (String name : measured.get(0).rssMiB().keySet()) {
            if (name.startsWith("agent ") && !name.equals("agent host")) {
                out.printf("  %-22s %12s %,14.0f%n", name, "", Stats.median(measured, r -> r.rssMiB().get(name)));
            }
        }
        out.printf("  first task SUCCEEDED %,12.0f ms after the apps were started (the task was already waiting)%n",
            Stats.median(measured, Run::firstTaskMs));
        out.flush();
    }
}
