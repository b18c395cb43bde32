package io.kafkasas.ops.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.ops.chaos.Fault.Kind;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The faults of a chaos run, carried out on the local stack. An agent fault is timed until the supervisor stops
 * counting on that incarnation: it shows it DEAD, or a newer incarnation (its host was faster). A restart, kill or
 * pause of the scheduler, the supervisor or the broker is timed until it is ready again; a poison record until
 * every reader has dead-lettered it. Restarts run one at a time beside the other faults, so that the next fault
 * comes on time while an app is still coming back.
 */
final class Faults {

    private static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(90);

    private final Optional<LocalStack> stack;
    private final LocalApps apps;
    private final Random random;
    private final Duration stoppedFor;
    private final Duration brokerPausedFor;
    private final Poisoner poisoner;
    private final long startedAt = System.currentTimeMillis();
    /** One restart at a time: two at once would race for the same app's process. */
    private final ExecutorService restarts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chaos-restart");
        t.setDaemon(true);
        return t;
    });
    /** Not the common pool: it has one thread on 2 cores, and a watcher blocks for up to a minute and a half. */
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-watcher");
        t.setDaemon(true);
        return t;
    });

    Faults(Optional<LocalStack> stack, LocalApps apps, long seed, Duration stoppedFor, Duration brokerPausedFor,
           Poisoner poisoner) {
        this.stack = stack;
        this.apps = apps;
        this.random = new Random(seed);
        this.stoppedFor = stoppedFor;
        this.brokerPausedFor = brokerPausedFor;
        this.poisoner = poisoner;
    }

    Fault inject(Kind kind) throws IOException {
        long at = System.currentTimeMillis() - startedAt;
        return switch (kind) {
            case KILL, STOP -> agentFault(kind, at);
            case SUPERVISOR -> timed(kind, "supervisor", at, apps::restartSupervisor);
            case SUPERVISOR_KILL -> timed(kind, apps.nextSupervisorToCrash(), at, () -> {
                apps.crashSupervisor();
                apps.awaitReady();
            });
            case SCHEDULER -> timed(kind, "scheduler", at, apps::restartScheduler);
            case SCHEDULER_KILL -> timed(kind, "scheduler", at, () -> {
                apps.crashScheduler();
                apps.awaitReady();
            });
            case BROKER -> timed(kind, "broker", at, () -> localBroker().restartBroker());
            case BROKER_PAUSE -> timed(kind, "broker (" + brokerPausedFor.toSeconds() + " s)", at, () -> {
                long pid = localBroker().brokerPid();
                ChildJvm.signal("STOP", pid);
                try {
                    TimeUnit.MILLISECONDS.sleep(brokerPausedFor.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    ChildJvm.signal("CONT", pid);
                }
                apps.awaitReady();
            });
            case POISON -> poisoner.inject(random, at, watchers);
        };
    }

    private LocalStack localBroker() {
        return stack.orElseThrow(() -> new IllegalArgumentException("The BROKER and BROKER_PAUSE faults act on the"
            + " local broker; on a cluster of your own, leave them out of --faults"));
    }

    private interface Restart {
        void run() throws IOException;
    }

    /** A restart, timed from its start until the restarted process is ready again. */
    private Fault timed(Kind kind, String target, long at, Restart restart) {
        return new Fault(kind, target, at, CompletableFuture.supplyAsync(() -> {
            long begin = System.nanoTime();
            try {
                restart.run();
            } catch (IOException e) {
                throw new UncheckedIOException("The " + kind + " fault of " + target + " failed", e);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        }, restarts));
    }

    /** Waits for the restarts still under way: the verdict asks the apps. */
    static void awaitRestarts(List<Fault> injected) {
        injected.stream().filter(f -> f.kind().restarts()).forEach(f -> f.detectedAfterMs().join());
    }

    private Fault agentFault(Kind kind, long at) throws IOException {
        List<JsonNode> running = stream(apps.slots()).filter(s -> "RUNNING".equals(s.get("state").asText())).toList();
        if (running.isEmpty()) {
            return new Fault(kind, "no running agent", at, CompletableFuture.completedFuture(-1L));
        }
        JsonNode victim = running.get(random.nextInt(running.size()));
        String agent = victim.get("agentId").asText();
        long pid = victim.get("pid").asLong();
        long incarnation = victim.get("incarnation").asLong();
        long begin = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(p -> ChildJvm.signal(kind == Kind.KILL ? "KILL" : "STOP", pid));
        if (kind == Kind.STOP) { // resumed later, if its host has not killed it by then: a zombie's late results
            CompletableFuture.delayedExecutor(stoppedFor.toMillis(), TimeUnit.MILLISECONDS, watchers)
                .execute(() -> ChildJvm.signal("CONT", pid));
        }
        CompletableFuture<Long> detected = CompletableFuture.supplyAsync(() -> awaitGone(agent, incarnation, begin),
            watchers);
        return new Fault(kind, agent + " (pid " + pid + ")", at, detected);
    }

    private long awaitGone(String agent, long incarnation, long begin) {
        long deadline = begin + DETECTION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode agents = SupervisorVerdict.get(apps.supervisorUrl() + "/agents", apps.authorization());
                for (JsonNode a : agents.get("agents")) {
                    // DEAD counts only for this incarnation: a supervisor behind its input may still show an
                    // earlier one DEAD, which says nothing of this fault (seen as "detected after 50 ms")
                    long seen = a.get("incarnation").asLong();
                    if (a.get("agentId").asText().equals(agent) && (seen > incarnation
                        || seen == incarnation && "DEAD".equals(a.get("state").asText()))) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                    }
                }
            } catch (IOException e) {
                // the supervisor may be restarting: ask again
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
