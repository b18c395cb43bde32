package io.kafkasas.ops.bench;

import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.LocalApps;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The limits' parts of {@code bench limits}: a rate limit's starts per 10 s window, and a concurrency limit's most
 * tasks running at once, both read from the status log (the agents' STARTED and SUCCEEDED timestamps).
 */
final class LimitRuns {

    /** What the rate part measured: starts per second in each full 10 s window, and in the busiest 10 s. */
    record Rate(double limit, int tasks, List<Double> perWindow, double busiest, double overall, long arrivedMs) {

        double worstBelow() {
            return perWindow.stream().mapToDouble(r -> r / limit - 1).min().orElse(0);
        }

        double worstAbove() {
            return perWindow.stream().mapToDouble(r -> r / limit - 1).max().orElse(0);
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("startsPerSecondLimit", limit);
            json.put("tasks", tasks);
            json.put("startsPerSecondPer10sWindow", perWindow);
            json.put("busiest10sStartsPerSecond", busiest);
            json.put("overallStartsPerSecond", overall);
            json.put("intakeHandedOverTheBacklogInMs", arrivedMs);
            return json;
        }
    }

    /** What the concurrency part measured: the most running at once per the status log, and the throughput. */
    record Concurrency(int limit, int tasks, int sleepMs, int mostAtOnce, double tasksPerSecond) {

        Map<String, Object> json() {
            return new LinkedHashMap<>(Map.of("maxRunningLimit", limit, "tasks", tasks, "sleepMs", sleepMs,
                "mostRunningAtOnce", mostAtOnce, "tasksPerSecond", tasksPerSecond));
        }
    }

    private static final Duration WINDOW = Duration.ofSeconds(10);

    private LimitRuns() {
    }

    /** Sets the limit {@code key} through the scheduler's API and waits until the scheduler holds it. */
    static void set(LocalApps apps, String key, Double rate, Integer maxRunning) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        if (rate != null) {
            body.put("startsPerSecond", rate);
        }
        if (maxRunning != null) {
            body.put("maxRunning", maxRunning);
        }
        HttpResponse<String> put = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(
                apps.schedulerUrl() + "/limits/" + key)).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(io.kafkasas.app.HttpApi.JSON.writeValueAsString(body)))).build(),
            HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("PUT /limits/" + key + " answered " + put.statusCode() + ": "
                + put.body());
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(apps.schedulerUrl() + "/limits/"
            + key))).build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("The scheduler did not show limit " + key + " within 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** How many tasks the limit {@code key} holds now. */
    private static long waiting(LocalApps apps, String key) throws Exception {
        HttpResponse<String> answer = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(
            apps.schedulerUrl() + "/limits/" + key))).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() != 200 ? 0
            : io.kafkasas.app.HttpApi.JSON.readTree(answer.body()).path("use").path("waiting").asLong();
    }

    /** Submits {@code count} tasks of {@code type} sleeping {@code sleepMs} under {@code limitKey}; their ids. */
    static List<String> submit(TaskClient client, int count, String type, int priority, int sleepMs,
                               String limitKey) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        byte[] payload = ("{\"ms\":" + sleepMs + "}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++) {
            acks.add(client.submit(TaskClient.request(type).setPriority(priority).setLimitKey(limitKey)
                .setPayload(ByteBuffer.wrap(payload)).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    /**
     * {@code tasks} no-op tasks under a limit of {@code rate} starts per second: held first under a limit of one
     * start a minute until the scheduler holds them all, then let go at {@code rate} (a change at run time), so that
     * what is measured is the limit, not how fast the intake hands it tasks.
     */
    static Rate rate(LocalApps apps, TaskClient client, StatusTimes times, double rate, int tasks) throws Exception {
        set(apps, "bench-rate", 1 / 60.0, null);
        long before = times.count(StatusTimes.STARTED);
        List<String> ids = submit(client, tasks, "noop", 0, 0, "bench-rate");
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (waiting(apps, "bench-rate") < tasks - 3) { // a start a minute, and the first burst
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("The scheduler did not hold the " + tasks + " tasks within 10 min");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        long heldAt = System.currentTimeMillis();
        set(apps, "bench-rate", rate, null);
        Duration patience = Duration.ofSeconds((long) (tasks / rate) * 2 + 60);
        if (!times.await(StatusTimes.STARTED, before + tasks, patience)) {
            throw new IllegalStateException("Only " + (times.count(StatusTimes.STARTED) - before) + " of " + tasks
                + " rate-limited tasks started within " + patience);
        }
        long[] starts = ids.stream().mapToLong(id -> times.of(id)[StatusTimes.STARTED]).filter(at -> at >= heldAt)
            .sorted().toArray();
        List<Double> perWindow = new ArrayList<>();
        long windowMs = WINDOW.toMillis();
        int at = 0;
        for (long from = starts[0]; from + windowMs <= starts[starts.length - 1]; from += windowMs) {
            int count = 0;
            while (at < starts.length && starts[at] < from + windowMs) {
                count++;
                at++;
            }
            perWindow.add(count * 1000.0 / windowMs);
        }
        int busiest = 0;
        int from = 0;
        for (int to = 0; to < starts.length; to++) {
            while (starts[to] - starts[from] >= windowMs) {
                from++;
            }
            busiest = Math.max(busiest, to - from + 1);
        }
        double overall = (starts.length - 1) * 1000.0 / Math.max(1, starts[starts.length - 1] - starts[0]);
        // how long the intake took to hand the limit its backlog (the events' emittedAt), for the record
        long lastArrival = ids.stream().mapToLong(id -> times.of(id)[StatusTimes.QUEUED]).max().orElse(heldAt);
        long firstArrival = ids.stream().mapToLong(id -> times.of(id)[StatusTimes.QUEUED]).min().orElse(heldAt);
        return new Rate(rate, tasks, perWindow, busiest * 1000.0 / windowMs, overall, lastArrival - firstArrival);
    }

    /** {@code tasks} sleep tasks of {@code sleepMs} under a limit of {@code maxRunning} at once. */
    static Concurrency concurrency(LocalApps apps, TaskClient client, StatusTimes times, int maxRunning, int tasks,
                                   int sleepMs) throws Exception {
        set(apps, "bench-concurrency", null, maxRunning);
        long before = times.count(StatusTimes.SUCCEEDED);
        List<String> ids = submit(client, tasks, "sleep", 0, sleepMs, "bench-concurrency");
        Duration patience = Duration.ofMillis((long) tasks * sleepMs / maxRunning * 3 + 60_000);
        if (!times.await(StatusTimes.SUCCEEDED, before + tasks, patience)) {
            throw new IllegalStateException("Only " + (times.count(StatusTimes.SUCCEEDED) - before) + " of " + tasks
                + " concurrency-limited tasks succeeded within " + patience);
        }
        List<long[]> edges = new ArrayList<>(); // +1 at a start, -1 at an end; an end before a start at a tie
        long first = Long.MAX_VALUE;
        long last = 0;
        for (String id : ids) {
            long[] at = times.of(id);
            edges.add(new long[] {at[StatusTimes.STARTED], 1});
            edges.add(new long[] {at[StatusTimes.SUCCEEDED], -1});
            first = Math.min(first, at[StatusTimes.STARTED]);
            last = Math.max(last, at[StatusTimes.SUCCEEDED]);
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int most = 0;
        for (long[] edge : edges) {
            running += (int) edge[1];
            most = Math.max(most, running);
        }
        return new Concurrency(maxRunning, tasks, sleepMs, most, tasks * 1000.0 / Math.max(1, last - first));
    }
}
