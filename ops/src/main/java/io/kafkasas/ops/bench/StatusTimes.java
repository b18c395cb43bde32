package io.kafkasas.ops.bench;

import io.kafkasas.app.TopicFollower;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Follows the status topic from its end (read_committed, as the supervisor reads it) and keeps, per task, when it
 * was first QUEUED, STARTED and SUCCEEDED by the statuses' own timestamps (one machine, one clock).
 */
public final class StatusTimes implements AutoCloseable {

    public static final int QUEUED = 0;
    public static final int STARTED = 1;
    public static final int SUCCEEDED = 2;

    private final Map<String, long[]> times = new ConcurrentHashMap<>();
    private final AtomicLongArray counts = new AtomicLongArray(3);
    private final TopicFollower<TaskStatus> follower;

    public StatusTimes(Map<String, Object> kafka, Topic<String, TaskStatus> topic) {
        follower = new TopicFollower<>("bench-statuses", kafka, List.of(topic.name()), topic.keySerde().deserializer(),
            topic.valueSerde().deserializer(), record -> add(record.value()));
    }

    private void add(TaskStatus status) {
        int stage = switch (status.getStatus()) {
            case QUEUED -> QUEUED;
            case STARTED -> STARTED;
            case SUCCEEDED -> SUCCEEDED;
            default -> -1;
        };
        if (stage >= 0) {
            long[] at = times.computeIfAbsent(status.getTaskId(), k -> new long[] {-1, -1, -1});
            if (at[stage] < 0) {
                at[stage] = status.getTimestamp().toEpochMilli();
                counts.incrementAndGet(stage);
            }
        }
    }

    public long count(int stage) {
        return counts.get(stage);
    }

    /** Waits until {@code n} tasks reached {@code stage}; false after {@code timeout}. */
    public boolean await(int stage, long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(stage) < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    /** When the task reached each stage (epoch ms, -1 if not yet). */
    long[] of(String taskId) {
        return times.getOrDefault(taskId, new long[] {-1, -1, -1});
    }

    /** The latest time any task reached {@code stage}. */
    long last(int stage) {
        return times.values().stream().mapToLong(t -> t[stage]).max().orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
    }
}
