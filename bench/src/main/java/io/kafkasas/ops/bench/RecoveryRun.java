package io.kafkasas.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.bench.TaskTrail.Start;
import io.kafkasas.ops.bench.TaskTrail.Trail;
import io.kafkasas.ops.local.LocalApps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One round of the detection and recovery benchmark: sleep tasks fill the agents, the agent running the most of
 * them is killed (a crash: its host starts it again) or stopped (a hang: only the supervisor's heartbeat timeout
 * finds it), and each of its tasks is timed from the fault until re-emitted, started again and succeeded.
 */
final class RecoveryRun {

    /** How the agent fails. */
    enum Fault { KILL, STOP }

    /** Per task of the victim: milliseconds from the fault until each step (-1 if it never came). */
    record Result(Fault fault, String victim, List<Long> reEmittedMs, List<Long> restartedMs,
                  List<Long> succeededMs) {
    }

    private record Incarnation(String agentId, long incarnation) {
        static Incarnation of(Start start) {
            return new Incarnation(start.agentId(), start.incarnation());
        }
    }

    private RecoveryRun() {
    }

    static Result round(TaskClient client, LocalApps apps, TaskTrail trail, Fault fault, int tasks,
                        Duration taskLength, Duration timeout) throws Exception {
        List<String> ids = submit(client, tasks, taskLength);
        awaitStarts(trail, ids);
        Incarnation victim = ids.stream().filter(id -> !trail.of(id).starts.isEmpty())
            .collect(Collectors.groupingBy(id -> Incarnation.of(trail.of(id).starts.get(0)), Collectors.counting()))
            .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<String> hit = ids.stream().filter(id -> !trail.of(id).starts.isEmpty()
            && Incarnation.of(trail.of(id).starts.get(0)).equals(victim) && trail.of(id).succeeded.isEmpty()).toList();
        long pid = pidOf(apps, victim.agentId(), victim.incarnation());
        long faultAt = System.currentTimeMillis();
        if (!ChildJvm.signal(fault == Fault.KILL ? "KILL" : "STOP", pid)) {
            throw new IllegalStateException("Could not signal " + victim.agentId() + " (pid " + pid + ")");
        }
        await(() -> ids.stream().noneMatch(id -> trail.of(id).succeeded.isEmpty()), timeout,
            () -> "every task to succeed; not yet: " + ids.stream().filter(id -> trail.of(id).succeeded.isEmpty())
                .map(id -> id + " " + trail.of(id) + ", " + supervisorView(apps, id)).toList() + " (fault at "
                + faultAt + "; the supervisor's agents: " + supervisorView(apps, null) + ")");
        await(() -> back(apps, victim.agentId(), victim.incarnation()), timeout,
            () -> victim.agentId() + " to run again");
        // a task whose success was already on its way when the fault came is not the victim's to recover
        List<Trail> recovered = hit.stream().map(trail::of).filter(t -> t.succeeded.get(0) >= faultAt).toList();
        return new Result(fault, victim.agentId() + " (" + recovered.size() + " tasks)",
            after(recovered, t -> t.reEmittedForDeadAgent, faultAt),
            after(recovered, t -> t.starts.stream().map(Start::at).toList(), faultAt),
            after(recovered, t -> t.succeeded, faultAt));
    }

    /** Until every task has started, or none has for a second (the rest wait for a free slot). */
    private static void awaitStarts(TaskTrail trail, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long started = 0;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = ids.stream().filter(id -> !trail.of(id).starts.isEmpty()).count();
            if (now == ids.size() || now > 0 && now == started
                && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            if (now != started) {
                started = now;
                lastChange = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("None of " + ids.size() + " tasks started within 30 s");
    }

    /** For each trail, ms from {@code faultAt} to the first of its times at or after it; -1 if none. */
    private static List<Long> after(List<Trail> trails, Function<Trail, List<Long>> times, long faultAt) {
        return trails.stream().map(t -> times.apply(t).stream().filter(at -> at >= faultAt).findFirst()
            .map(at -> at - faultAt).orElse(-1L)).toList();
    }

    private static List<String> submit(TaskClient client, int tasks, Duration length) {
        byte[] payload = ("{\"ms\":" + length.toMillis() + "}").getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            acks.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload)).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    private static long pidOf(LocalApps apps, String agentId, long incarnation) throws IOException {
        for (JsonNode slot : apps.slots()) {
            if (slot.get("agentId").asText().equals(agentId) && slot.get("incarnation").asLong() == incarnation) {
                return slot.get("pid").asLong();
            }
        }
        throw new IllegalStateException(agentId + " incarnation " + incarnation + " is not on the host any more");
    }

    /**
     * For a give-up message: where the supervisor has task {@code taskId}, or (null) its agents' liveness. It tells
     * a supervisor that did not act from a trail that stopped reading.
     */
    private static String supervisorView(LocalApps apps, String taskId) {
        try {
            if (taskId != null) {
                JsonNode task = apps.askSupervisor("/tasks/" + taskId);
                return "supervisor: " + task.path("state").asText() + " attempt " + task.path("attempt").asText()
                    + " on " + task.path("agentId").asText();
            }
            List<String> agents = new ArrayList<>();
            apps.askSupervisor("/agents").path("agents").forEach(a -> agents.add(a.path("agentId").asText() + " "
                + a.path("state").asText() + " incarnation " + a.path("incarnation").asText()));
            return agents.toString();
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    /** The host runs the agent again, as a newer incarnation. */
    private static boolean back(LocalApps apps, String agentId, long incarnation) {
        try {
            for (JsonNode slot : apps.slots()) {
                if (slot.get("agentId").asText().equals(agentId)) {
                    return "RUNNING".equals(slot.get("state").asText())
                        && slot.get("incarnation").asLong() > incarnation;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, Supplier<String> what)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Gave up waiting for " + what.get() + " after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
