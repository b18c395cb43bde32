package io.kafkasas.dashboard.live;

import io.kafkasas.avro.TaskStatusType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tasks per second, by what happened: submitted (records on the request topic), started, succeeded, failed (an
 * attempt failed or timed out) and dead-lettered, for the last {@code seconds} seconds, each record counted in the
 * second of its timestamp. Thread-safe: one writer (the topic watch), readers of whole seconds.
 */
public final class Rates {

    /** The series, in the order of each point's values. */
    public static final List<String> SERIES = List.of("submitted", "started", "succeeded", "failed", "deadLettered");
    private static final int SUBMITTED = 0;

    private final int seconds;
    /** Per second (epoch second modulo {@code seconds}): the epoch second it holds, then one count per series. */
    private final long[][] buckets;

    public Rates(int seconds) {
        this.seconds = seconds;
        this.buckets = new long[seconds][SERIES.size() + 1];
    }

    /** A request was written at {@code timestampMs}. */
    public synchronized void submitted(long timestampMs) {
        add(timestampMs, SUBMITTED);
    }

    /** A status of {@code type} was written at {@code timestampMs}; types that are not a series are ignored. */
    public synchronized void status(TaskStatusType type, long timestampMs) {
        int series = switch (type) {
            case STARTED -> 1;
            case SUCCEEDED -> 2;
            case FAILED, TIMED_OUT -> 3;
            case DEAD_LETTERED -> 4;
            default -> -1;
        };
        if (series > 0) {
            add(timestampMs, series);
        }
    }

    private void add(long timestampMs, int series) {
        long second = Math.floorDiv(timestampMs, 1000);
        long[] bucket = buckets[(int) Math.floorMod(second, seconds)];
        if (bucket[0] != second) {
            if (bucket[0] > second) {
                return; // older than the window
            }
            Arrays.fill(bucket, 0);
            bucket[0] = second;
        }
        bucket[series + 1]++;
    }

    /**
     * The whole seconds from {@code fromSecond} (inclusive) to {@code toSecond} (exclusive), at most the window: each
     * {@code {"t": epoch second, "submitted": n, ...}}, zero where nothing happened.
     */
    public synchronized List<Map<String, Long>> between(long fromSecond, long toSecond) {
        List<Map<String, Long>> points = new ArrayList<>();
        for (long second = Math.max(fromSecond, toSecond - seconds); second < toSecond; second++) {
            long[] bucket = buckets[(int) Math.floorMod(second, seconds)];
            Map<String, Long> point = new LinkedHashMap<>();
            point.put("t", second);
            for (int i = 0; i < SERIES.size(); i++) {
                point.put(SERIES.get(i), bucket[0] == second ? bucket[i + 1] : 0L);
            }
            points.add(point);
        }
        return points;
    }

    public int seconds() {
        return seconds;
    }
}
