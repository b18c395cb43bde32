package io.kafkasas.ops.bench;

import io.kafkasas.app.TopicFollower;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Follows the status and task topics from their ends (read_committed, as the supervisor reads them) and keeps, per
 * task, when it was first queued (its first attempt's event emitted), STARTED and SUCCEEDED, by the records' own
 * timestamps (one machine, one clock), and when this follower read the event, committed (visible to the agents).
 */
public final class StatusTimes implements AutoCloseable {

    public static final int QUEUED = 0;
    public static final int STARTED = 1;
    public static final int SUCCEEDED = 2;
    /** When this follower read the first attempt's event (its own clock): the event became visible, committed. */
    public static final int VISIBLE = 3;

    private final Map<String, long[]> times = new ConcurrentHashMap<>();
    private final AtomicLongArray counts = new AtomicLongArray(4);
    private final TopicFollower<TaskStatus> statuses;
    private final TopicFollower<TaskEvent> events;

    public StatusTimes(Map<String, Object> kafka, Topics topics) {
        Topic<String, TaskStatus> status = topics.taskStatus();
        statuses = new TopicFollower<>("bench-statuses", kafka, List.of(status.name()),
            status.keySerde().deserializer(), status.valueSerde().deserializer(), record -> add(record.value()));
        Topic<String, TaskEvent> tasks = topics.tasks(topics.names().queues().get(0));
        events = new TopicFollower<>("bench-events", kafka, topics.names().taskTopics(),
            tasks.keySerde().deserializer(), tasks.valueSerde().deserializer(), record -> {
                if (record.value() != null && record.value().getAttempt() == 1) {
                    reached(record.value().getTaskId(), QUEUED, record.value().getEmittedAt().toEpochMilli());
                    reached(record.value().getTaskId(), VISIBLE, System.currentTimeMillis());
                }
            });
    }

    private void add(TaskStatus status) {
        int stage = switch (status.getStatus()) {
            case STARTED -> STARTED;
            case SUCCEEDED -> SUCCEEDED;
            default -> -1;
        };
        if (stage >= 0) {
            reached(status.getTaskId(), stage, status.getTimestamp().toEpochMilli());
        }
    }

    private void reached(String taskId, int stage, long atMs) {
        long[] at = times.computeIfAbsent(taskId, k -> new long[] {-1, -1, -1, -1});
        synchronized (at) { // two followers write
            if (at[stage] < 0) {
                at[stage] = atMs;
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
        return times.getOrDefault(taskId, new long[] {-1, -1, -1, -1});
    }

    /** The latest time any task reached {@code stage}. */
    long last(int stage) {
        return times.values().stream().mapToLong(t -> t[stage]).max().orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
        statuses.close();
        events.close();
    }
}
