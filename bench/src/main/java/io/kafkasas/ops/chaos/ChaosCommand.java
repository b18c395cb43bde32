package io.kafkasas.ops.chaos;

import io.kafkasas.client.TaskClient;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ops.bench.StatusTimes;
import io.kafkasas.ops.bench.SupervisorProgress;
import io.kafkasas.ops.chaos.Fault.Kind;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A scripted chaos run on a local stack of its own: mixed sleep tasks, faults injected in turn while they run,
 * then the guarantees checked; exit 1 if one is broken.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Runs N tasks on a local stack of its own while agents are killed (kill -9) and stopped (SIGSTOP),"
        + " and the supervisor, the scheduler and the broker are restarted; then checks that every task ended"
        + " SUCCEEDED exactly once in the supervisor's view. Exit 0 if every guarantee held, 1 if not.",
    footer = {"", "Examples:", "  chaos                                   # 100,000 tasks, a fault every 10 s",
        "  chaos --tasks 2000 --fault-every 5 --faults KILL,STOP,BROKER",
        "  chaos --supervisors 2                   # a kill -9 of one of two supervisors fails over"})
public final class ChaosCommand implements Callable<Integer> {

    /** What the run submits. */
    enum Workload { TASKS, PIPELINES }

    @Option(names = "--workload", description = "TASKS (sleeps of 20 ms to 3 s) or PIPELINES (of 6 such steps, build"
        + " -> test | lint -> package -> deploy -> verify; every fifth fails at verify and is undone) (default"
        + " ${DEFAULT-VALUE}).")
    Workload workload = Workload.TASKS;

    @Option(names = "--tasks", description = "Tasks, with --workload TASKS (default ${DEFAULT-VALUE}).")
    int tasks = 100_000;

    @Option(names = "--pipelines", description = "Pipelines, with --workload PIPELINES (default ${DEFAULT-VALUE}).")
    int pipelines = 2_000;

    @Option(names = "--agents", description = "Agents on the host (default ${DEFAULT-VALUE}).")
    int agents = 3;

    @Option(names = "--concurrency", description = "Tasks each agent runs at once (default ${DEFAULT-VALUE}).")
    int concurrency = 32;

    @Option(names = "--fault-every", description = "Seconds between faults (default ${DEFAULT-VALUE}).")
    int faultEvery = 10;

    @Option(names = "--faults", split = ",", description = "Faults, injected in this order, round and round"
        + " (default ${DEFAULT-VALUE}).")
    List<Kind> faults = List.of(Kind.KILL, Kind.POISON, Kind.STOP, Kind.SUPERVISOR_KILL, Kind.KILL, Kind.POISON,
        Kind.SCHEDULER_KILL, Kind.STOP, Kind.BROKER_PAUSE, Kind.SUPERVISOR, Kind.POISON, Kind.SCHEDULER, Kind.BROKER);

    @Option(names = "--supervisors", description = "Supervisor instances, with standby replicas when more than one;"
        + " SUPERVISOR_KILL kills each in turn (default ${DEFAULT-VALUE}).")
    int supervisors = 1;

    @Option(names = "--max-faults", description = "Stop injecting after this many (default: until the tasks end).")
    int maxFaults = Integer.MAX_VALUE;

    @Option(names = "--timeout-minutes", description = "Give up after (default ${DEFAULT-VALUE}).")
    int timeoutMinutes = 60;

    @Option(names = "--stop-seconds", description = "How long a STOPped agent stays stopped before SIGCONT, unless its"
        + " host has killed it by then (default ${DEFAULT-VALUE}).")
    int stopSeconds = 20;

    @Option(names = "--broker-pause-seconds", description = "How long BROKER_PAUSE holds the broker stopped (SIGSTOP),"
        + " within the transaction time-out of the apps (10 s) (default ${DEFAULT-VALUE}).")
    int brokerPauseSeconds = 8;

    @Option(names = "--seed", description = "Seed of the random choices (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        if (stack.cluster() != null && (faults.contains(Kind.BROKER) || faults.contains(Kind.BROKER_PAUSE))) {
            throw new ParameterException(stack.commandLine(), "The BROKER and BROKER_PAUSE faults act on the local"
                + " broker; with --cluster, leave them out: --faults KILL,STOP,POISON,SUPERVISOR_KILL,SCHEDULER_KILL");
        }
        try (OwnStack own = stack.start(agents, concurrency, supervisors)) {
            SasConfig config = own.config();
            String supervisor = own.supervisor().applicationId();
            try (TaskClient client = TaskClient.create(config); Admin admin = Admin.create(config.kafkaProperties());
                 StatusTimes times = new StatusTimes(config.kafkaProperties(), config.topics());
                 Poisoner poisoner = new Poisoner(CtlConfig.of(ConfigSource.load(own.settingsFile(), Map.of())),
                     LocalApps.HOST_ID + "-1")) {
                PipelineWorkload flows = workload == Workload.PIPELINES ? PipelineWorkload.submit(client, pipelines)
                    : null;
                Map<String, String> ends = flows != null ? flows.ends() : submit(client);
                long successes = ends.values().stream().filter("SUCCEEDED"::equals).count();
                out.printf("Submitted %s; injecting a fault every %d s: %s%n", flows != null ? String.format(
                    "%,d pipelines (%,d steps and compensations)", flows.pipelines(), ends.size())
                    : String.format("%,d tasks", ends.size()), faultEvery, faults);
                out.flush();
                Faults chaos = new Faults(own.local(), own.apps(), seed, Duration.ofSeconds(stopSeconds),
                    Duration.ofSeconds(brokerPauseSeconds), poisoner);
                List<Fault> injected = injectUntilDone(out, chaos, times, successes);
                Faults.awaitRestarts(injected);
                SupervisorVerdict verdict = awaitVerdict(out, admin, supervisor, config, own.apps(), ends);
                StatusLog log = StatusLog.read(config.kafkaProperties(), config.topics().taskStatus(),
                    new HashSet<>(ends.keySet()));
                List<String> flowProblems = flows != null ? flows.check(log, own.apps(), TimeUnit.MINUTES.toMillis(2))
                    : List.of();
                List<String> down = own.apps().notRunning();
                int exit = report(out, ends.size(), injected, verdict, log, poisoner, down, flows != null);
                if (flows != null) {
                    out.printf("Every step started after its dependencies succeeded, every compensation in reverse"
                        + " order, every pipeline SUCCEEDED or COMPENSATED as planned: %s%s%n",
                        flowProblems.isEmpty() ? "YES" : "NO, " + flowProblems.size() + " problems, e.g. "
                            + flowProblems.stream().limit(5).toList(), "");
                    out.flush();
                }
                return flowProblems.isEmpty() ? exit : 1;
            }
        }
    }

    /** Sleeps of 20-200 ms, and one in ten of 1-3 s; each to end SUCCEEDED. */
    private Map<String, String> submit(TaskClient client) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            int ms = i % 10 == 0 ? 1000 + (i * 37) % 2000 : 20 + (i * 53) % 180;
            acks.add(client.submit(TaskClient.request("sleep")
                .setPayload(ByteBuffer.wrap(("{\"ms\":" + ms + "}").getBytes(StandardCharsets.UTF_8))).build()));
        }
        Map<String, String> ends = new LinkedHashMap<>();
        acks.forEach(ack -> ends.put(ack.join(), "SUCCEEDED"));
        return ends;
    }

    /**
     * The supervisor's verdict once it has read every status and no retry is still under way. Every task having a
     * SUCCEEDED status is not enough: a zombie's late success is stale, and the attempt that replaced it may still
     * be queued or running.
     */
    private SupervisorVerdict awaitVerdict(PrintWriter out, Admin admin, String supervisor, SasConfig config,
                                           LocalApps apps, Map<String, String> ids) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(Math.min(5, timeoutMinutes));
        while (true) {
            SupervisorProgress.awaitCaughtUp(admin, config.kafkaProperties(), supervisor,
                config.topicNames().taskStatus(), Duration.ofMinutes(timeoutMinutes));
            SupervisorVerdict verdict = SupervisorVerdict.of(apps.supervisorUrl(), apps.authorization(), ids);
            if (verdict.notSucceeded().isEmpty() || System.nanoTime() > giveUp) {
                return verdict;
            }
            out.printf("  waiting for %,d task(s) not SUCCEEDED yet in the supervisor's view, e.g. %s%n",
                verdict.notSucceeded().size(), SupervisorVerdict.get(apps.supervisorUrl() + "/tasks/"
                    + verdict.notSucceeded().iterator().next(), apps.authorization()));
            out.flush();
            TimeUnit.SECONDS.sleep(2);
        }
    }

    private List<Fault> injectUntilDone(PrintWriter out, Faults chaos, StatusTimes times, long total)
        throws Exception {
        List<Fault> injected = new ArrayList<>();
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
        // faults begin once the system is at work (a twentieth of the tasks done), not while it starts up
        times.await(StatusTimes.SUCCEEDED, Math.max(1, total / 20), Duration.ofMinutes(timeoutMinutes));
        while (!times.await(StatusTimes.SUCCEEDED, total, Duration.ofSeconds(faultEvery))) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("Only " + times.count(StatusTimes.SUCCEEDED) + " of " + total
                    + " tasks succeeded within " + timeoutMinutes + " minutes");
            }
            if (injected.size() < maxFaults) {
                Fault fault = chaos.inject(faults.get(injected.size() % faults.size()));
                out.printf("  +%5.1f s  %-10s %-22s (%,d of %,d tasks succeeded so far)%n", fault.atMs() / 1000.0,
                    fault.kind(), fault.target(), times.count(StatusTimes.SUCCEEDED), total);
                out.flush();
                injected.add(fault);
            }
        }
        return injected;
    }

    /** {@code planned}: some tasks are to end other than SUCCEEDED (failing pipeline steps). */
    private static int report(PrintWriter out, int total, List<Fault> injected, SupervisorVerdict verdict,
                              StatusLog log, Poisoner poisoner, List<String> down, boolean planned) {
        out.printf("%nFaults (detection: until the supervisor stopped counting on the agent; restarts: until"
            + " ready again):%n");
        for (Fault fault : injected) {
            long ms = fault.detectedAfterMs().join();
            out.printf("  +%5.1f s  %-10s %-22s %s%n", fault.atMs() / 1000.0, fault.kind(), fault.target(),
                ms < 0 ? "not detected" : String.format("%,d ms", ms));
        }
        out.printf("%nTasks                          %,d%n", total);
        out.printf(planned ? "ended once as planned          %,d%n" : "SUCCEEDED once (supervisor)    %,d%n",
            verdict.succeededOnce());
        out.printf(planned ? "ended otherwise                %,d%n" : "not SUCCEEDED                  %,d%n",
            verdict.notSucceeded().size());
        out.printf("unknown to the supervisor      %,d   (lost)%n", verdict.unknown().size());
        out.printf("success counted twice          %,d%n", verdict.countedTwice().size());
        out.printf("handler executions (STARTED)   %,d   (%,d tasks ran more than once)%n", log.executions(),
            log.tasksRunMoreThanOnce());
        out.printf("SUCCEEDED statuses             %,d   (%,d tasks succeeded more than once: at-least-once runs)%n",
            log.successes(), log.tasksSucceededMoreThanOnce());
        out.printf("late results recorded stale    %,d%n", verdict.staleResults());
        List<String> poisonProblems = poisoner.notDeadLetteredOnce();
        out.printf("poison records                 %,d   (not dead-lettered once by each reader: %,d %s)%n",
            poisoner.count(), poisonProblems.size(), poisonProblems.isEmpty() ? "" : poisonProblems);
        out.printf("apps down at the end           %,d   %s%n", down.size(), down.isEmpty() ? "" : down);
        boolean held = verdict.allSucceededOnce() && verdict.succeededOnce() == total;
        out.printf("%nEvery task %s in the supervisor's view: %s%n", planned ? "ended once as planned (SUCCEEDED,"
            + " or DEAD_LETTERED for a failing verify)" : "SUCCEEDED exactly once", held ? "YES" : "NO");
        out.printf("Every poison record dead-lettered once by each reader, no app left down: %s%n",
            poisonProblems.isEmpty() && down.isEmpty() ? "YES" : "NO");
        out.flush();
        return held && poisonProblems.isEmpty() && down.isEmpty() ? 0 : 1;
    }
}
