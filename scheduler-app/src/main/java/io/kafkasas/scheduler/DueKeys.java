package io.kafkasas.scheduler;

/**
 * Keys of the timer stores (delayed tasks, schedules) that sort by due time: 13 zero-padded digits of epoch millis,
 * {@code |}, then the id. A range from {@link #first()} to {@link #last(long)} yields what is due, oldest first.
 */
public final class DueKeys {

    private DueKeys() {
    }

    public static String of(long dueMs, String id) {
        return String.format("%013d|%s", dueMs, id);
    }

    /** The due time of {@code key}, epoch millis. */
    public static long dueOf(String key) {
        return Long.parseLong(key.substring(0, key.indexOf('|')));
    }

    public static String first() {
        return of(0, "");
    }

    /** Past every key due at or before {@code nowMs}. */
    public static String last(long nowMs) {
        return of(nowMs, "~");
    }
}
