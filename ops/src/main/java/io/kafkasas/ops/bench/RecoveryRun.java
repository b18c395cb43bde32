package io.kafkasas.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.ops.bench.TaskTrail.Start;
import io.kafkasas.ops.bench.TaskTrail.Trail;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.schemas.client.TaskClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
        await(() -> ids.stream().allMatch(id -> !trail.of(id).starts.isEmpty()), Duration.ofSeconds(30),
            "the round's tasks to start");
        Map<Incarnation, List<String>> byIncarnation = ids.stream().collect(Collectors.groupingBy(
            id -> Incarnation.of(trail.of(id).starts.get(0))));
        Map.Entry<Incarnation, List<String>> victim = byIncarnation.entrySet().stream()
            .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        String agentId = victim.getKey().agentId();
        long incarnation = victim.getKey().incarnation();
        long pid = pidOf(apps, agentId, incarnation);
        long faultAt = System.currentTimeMillis();
        if (!ChildJvm.signal(fault == Fault.KILL ? "KILL" : "STOP", pid)) {
            throw new IllegalStateException("Could not signal " + agentId + " (pid " + pid + ")");
        }
        List<String> hit = victim.getValue();
        await(() -> ids.stream().allMatch(id -> succeededAfter(trail.of(id), faultAt) >= 0
            || !hit.contains(id) && !trail.of(id).succeeded.isEmpty()), timeout, "every task to succeed");
        await(() -> back(apps, agentId, incarnation), timeout, agentId + " to run again");
        List<Long> reEmitted = new ArrayList<>();
        List<Long> restarted = new ArrayList<>();
        List<Long> succeeded = new ArrayList<>();
        for (String id : hit) {
            Trail t = trail.of(id);
            reEmitted.add(t.reEmittedForDeadAgent.stream().filter(at -> at >= faultAt).findFirst()
                .map(at -> at - faultAt).orElse(-1L));
            restarted.add(t.starts.stream().filter(s -> s.at() >= faultAt).findFirst()
                .map(s -> s.at() - faultAt).orElse(-1L));
            long success = succeededAfter(t, faultAt);
            succeeded.add(success < 0 ? -1 : success - faultAt);
        }
        return new Result(fault, agentId + " (" + hit.size() + " tasks)", reEmitted, restarted, succeeded);
    }

    private static List<String> submit(TaskClient client, int tasks, Duration length) {
        byte[] payload = ("{\"ms\":" + length.toMillis() + "}").getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            acks.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload)).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    private static long succeededAfter(Trail trail, long at) {
        return trail.succeeded.stream().filter(s -> s >= at).findFirst().orElse(-1L);
    }

    private static long pidOf(LocalApps apps, String agentId, long incarnation) throws IOException {
        for (JsonNode slot : apps.slots()) {
            if (slot.get("agentId").asText().equals(agentId) && slot.get("incarnation").asLong() == incarnation) {
                return slot.get("pid").asLong();
            }
        }
        throw new IllegalStateException(agentId + " incarnation " + incarnation + " is not on the host any more");
    }

    /** The host runs the agent again, as a newer incarnation, and that one has joined in (it heartbeats). */
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

    private static void await(BooleanSupplier condition, Duration timeout, String what)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Gave up waiting for " + what + " after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
