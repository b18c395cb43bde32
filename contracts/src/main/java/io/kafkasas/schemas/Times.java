package io.kafkasas.schemas;

import java.time.Duration;
import java.time.Instant;

/**
 * Time arithmetic that saturates instead of throwing. Times on the wire are epoch milliseconds, and timers sort by
 * 13 digits of them, so every computed time is held within [{@link #EARLIEST}, {@link #LATEST}]: a deadline or
 * back-off that a record pushes past that (a retry interval of Long.MAX) becomes "never" rather than an
 * {@code ArithmeticException} that stops the reader.
 */
public final class Times {

    /** The latest time a timer can be set for (the year 2286): later means never. */
    public static final Instant LATEST = Instant.ofEpochMilli(9_999_999_999_999L);
    public static final Instant EARLIEST = Instant.EPOCH;

    private Times() {
    }

    /** {@code time + amount}, held within the bounds. */
    public static Instant plus(Instant time, Duration amount) {
        Instant bounded = clamp(time);
        Duration room = amount.isNegative() ? Duration.between(bounded, EARLIEST) : Duration.between(bounded, LATEST);
        return clamp(amount.isNegative() ? bounded.plus(max(amount, room)) : bounded.plus(min(amount, room)));
    }

    /** {@code time + millis}, held within the bounds. */
    public static Instant plusMillis(Instant time, long millis) {
        return plus(time, Duration.ofMillis(millis));
    }

    /** {@code time} held within the bounds. */
    public static Instant clamp(Instant time) {
        return time.isBefore(EARLIEST) ? EARLIEST : time.isAfter(LATEST) ? LATEST : time;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
