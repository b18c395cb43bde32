package io.kafkasas.ops.bench;

import io.kafkasas.app.TopicFollower;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Counts the runs of schedules as the agents would see them (read_committed): each run's requests (what the
 * scheduler's schedules wrote) and its tasks (what the intake emitted), and when each was written.
 */
final class ScheduleRunCount implements AutoCloseable {

    /** What the slots of a range became. */
    record Result(long expected, long once, long doubled, long requestsDoubled, long missed, Histogram lag,
                  Histogram requestLag) {
    }

    /** A run: how often its task and its request were written, and the first time of each (epoch ms). */
    private static final class Run {
        int tasks;
        int requests;
        long emittedAt;
        long requestedAt;
    }

    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final TopicFollower<Object> follower;

    ScheduleRunCount(Map<String, Object> kafka, Topics topics) {
        String requestTopic = topics.taskRequests().name();
        Deserializer<TaskRequest> requests = topics.taskRequests().valueSerde().deserializer();
        Deserializer<TaskEvent> events = topics.tasks(TopicNames.DEFAULT_QUEUE).valueSerde().deserializer();
        Deserializer<Object> either = (topic, data) -> requestTopic.equals(topic)
            ? requests.deserialize(topic, data) : events.deserialize(topic, data);
        follower = new TopicFollower<>("bench-schedule-runs", kafka, List.of(requestTopic,
            topics.tasks(TopicNames.DEFAULT_QUEUE).name()), topics.taskRequests().keySerde().deserializer(), either,
            record -> {
                if (!ScheduleRuns.isRun(record.key())) {
                    return;
                }
                Run run = runs.computeIfAbsent(record.key(), id -> new Run());
                synchronized (run) {
                    if (record.value() instanceof TaskEvent) {
                        run.emittedAt = run.tasks++ == 0 ? record.timestamp() : run.emittedAt;
                    } else {
                        run.requestedAt = run.requests++ == 0 ? record.timestamp() : run.requestedAt;
                    }
                }
            });
    }

    /** The slots from {@code from} to {@code to} of {@code schedules} schedules every {@code everyMs}. */
    Result count(Instant from, Instant to, long everyMs, int schedules) {
        Histogram lag = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        Histogram requestLag = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long slotsEach = (to.toEpochMilli() - from.toEpochMilli()) / everyMs + 1;
        long once = 0;
        long doubled = 0;
        long requestsDoubled = 0;
        for (Map.Entry<String, Run> entry : runs.entrySet()) {
            Instant slot = ScheduleRuns.slotOf(entry.getKey()).orElse(Instant.EPOCH);
            if (slot.isBefore(from) || slot.isAfter(to)) {
                continue;
            }
            Run run = entry.getValue();
            synchronized (run) {
                if (run.tasks == 1) {
                    once++;
                } else if (run.tasks > 1) {
                    doubled++;
                }
                requestsDoubled += run.requests > 1 ? 1 : 0;
                if (run.tasks > 0) {
                    lag.recordValue(micros(run.emittedAt - slot.toEpochMilli()));
                }
                if (run.requests > 0) {
                    requestLag.recordValue(micros(run.requestedAt - slot.toEpochMilli()));
                }
            }
        }
        long expected = slotsEach * schedules;
        return new Result(expected, once, doubled, requestsDoubled, expected - once - doubled, lag, requestLag);
    }

    private static long micros(long ms) {
        return Math.max(0, TimeUnit.MILLISECONDS.toMicros(ms));
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
    }
}
