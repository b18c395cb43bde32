package io.kafkasas.ops.bench;

import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Open-loop latency: no-op tasks sent at a fixed rate, each at its intended time whatever the system does, and
 * every latency counted from that intended time, so a stall delays the measurements it causes instead of hiding
 * them (coordinated omission). Latencies come from the statuses' timestamps (ms).
 */
final class OpenLoopRun {

    /**
     * Submit → QUEUED (the scheduler), → STARTED and → SUCCEEDED, and the agents' pickup (the event read committed
     * by the bench → STARTED), in microseconds (from ms timestamps).
     */
    record Result(int rate, long tasks, Histogram queued, Histogram started, Histogram succeeded, Histogram pickup,
                  double achievedRate) {
    }

    private OpenLoopRun() {
    }

    static Result run(TaskClient client, Map<String, Object> kafka, Topics topics, int rate,
                      Duration length, Duration timeout) throws InterruptedException {
        long tasks = rate * length.toSeconds();
        Map<String, Long> intended = new HashMap<>();
        try (StatusTimes times = new StatusTimes(kafka, topics)) {
            long startNanos = System.nanoTime();
            long startMs = System.currentTimeMillis();
            for (long i = 0; i < tasks; i++) {
                long due = Pacing.awaitDue(startNanos, i, rate);
                String id = UUID.randomUUID().toString();
                intended.put(id, startMs + TimeUnit.NANOSECONDS.toMillis(due - startNanos));
                client.submit(TaskClient.request("noop").setTaskId(id).build());
            }
            client.flush();
            double achieved = tasks / ((System.nanoTime() - startNanos) / 1e9);
            if (!times.await(StatusTimes.SUCCEEDED, tasks, timeout)) {
                throw new IllegalStateException("Only " + times.count(StatusTimes.SUCCEEDED) + " of " + tasks
                    + " tasks succeeded within " + timeout + " at " + rate + " tasks/s");
            }
            Histogram queued = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            Histogram started = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            Histogram succeeded = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            Histogram pickup = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            intended.forEach((id, at) -> {
                long[] reached = times.of(id);
                if (reached[StatusTimes.QUEUED] >= 0) {
                    queued.recordValue(Math.max(0, reached[StatusTimes.QUEUED] - at) * 1000);
                }
                if (reached[StatusTimes.STARTED] >= 0) { // a STARTED after its SUCCEEDED is not read yet: none
                    started.recordValue(Math.max(0, reached[StatusTimes.STARTED] - at) * 1000);
                    if (reached[StatusTimes.VISIBLE] >= 0) {
                        pickup.recordValue(Math.max(0, reached[StatusTimes.STARTED] - reached[StatusTimes.VISIBLE])
                            * 1000);
                    }
                }
                succeeded.recordValue(Math.max(0, reached[StatusTimes.SUCCEEDED] - at) * 1000);
            });
            return new Result(rate, tasks, queued, started, succeeded, pickup, achieved);
        }
    }
}
