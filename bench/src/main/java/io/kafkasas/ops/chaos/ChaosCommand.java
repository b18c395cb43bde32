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

    @Option(names = "--tasks", description = "Tasks (default ${DEFAULT-VALUE}).")
    int tasks = 100_000;

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
                List<String> ids = submit(client);
                out.printf("Submitted %,d tasks; injecting a fault every %d s: %s%n", ids.size(), faultEvery, faults);
                out.flush();
                Faults chaos = new Faults(own.local(), own.apps(), seed, Duration.ofSeconds(stopSeconds),
                    Duration.ofSeconds(brokerPauseSeconds), poisoner);
                List<Fault> injected = injectUntilDone(out, chaos, times, ids.size());
                SupervisorVerdict verdict = awaitVerdict(out, admin, supervisor, config, own.apps(), ids);
                StatusLog log = StatusLog.read(config.kafkaProperties(), config.topics().taskStatus(),
                    new HashSet<>(ids));
                List<String> down = own.apps().notRunning();
                return report(out, ids.size(), injected, verdict, log, poisoner, down);
            }
        }
    }

    /** Sleeps of 20-200 ms, and one in ten of 1-3 s. */
    private List<String> submit(TaskClient client) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            int ms = i % 10 == 0 ? 1000 + (i * 37) % 2000 : 20 + (i * 53) % 180;
            acks.add(client.submit(TaskClient.request("sleep")
                .setPayload(ByteBuffer.wrap(("{\"ms\":" + ms + "}").getBytes(StandardCharsets.UTF_8))).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    /**
     * The supervisor's verdict once it has read every status and no retry is still under way. Every task having a
     * SUCCEEDED status is not enough: a zombie's late success is stale, and the attempt that replaced it may still
     * be queued or running.
     */
    private SupervisorVerdict awaitVerdict(PrintWriter out, Admin admin, String supervisor, SasConfig config,
                                           LocalApps apps, List<String> ids) throws Exception {
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

    private List<Fault> injectUntilDone(PrintWriter out, Faults chaos, StatusTimes times, int total)
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

    private static int report(PrintWriter out, int total, List<Fault> injected, SupervisorVerdict verdict,
                              StatusLog log, Poisoner poisoner, List<String> down) {
        out.printf("%nFaults (detection: until the supervisor stopped counting on the agent; restarts: until"
            + " ready again):%n");
        for (Fault fault : injected) {
            long ms = fault.detectedAfterMs().join();
            out.printf("  +%5.1f s  %-10s %-22s %s%n", fault.atMs() / 1000.0, fault.kind(), fault.target(),
                ms < 0 ? "not detected" : String.format("%,d ms", ms));
        }
        out.printf("%nTasks                          %,d%n", total);
        out.printf("SUCCEEDED once (supervisor)    %,d%n", verdict.succeededOnce());
        out.printf("not SUCCEEDED                  %,d%n", verdict.notSucceeded().size());
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
        out.printf("%nEvery task SUCCEEDED exactly once in the supervisor's view: %s%n", held ? "YES" : "NO");
        out.printf("Every poison record dead-lettered once by each reader, no app left down: %s%n",
            poisonProblems.isEmpty() && down.isEmpty() ? "YES" : "NO");
        out.flush();
        return held && poisonProblems.isEmpty() && down.isEmpty() ? 0 : 1;
    }
}
