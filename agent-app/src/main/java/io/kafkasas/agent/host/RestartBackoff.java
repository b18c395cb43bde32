package io.kafkasas.agent.host;

import java.time.Duration;

/**
 * How long a slot waits before starting its agent again, as Kubernetes' CrashLoopBackOff does: the first
 * restart waits {@code initial}, every further one twice as long up to {@code max}; a process that ran for
 * {@code stable} or longer before it ended starts the schedule again from {@code initial}. Not thread-safe: one
 * per slot, used on the host's thread.
 */
public final class RestartBackoff {

    private final Duration initial;
    private final Duration max;
    private final Duration stable;
    private Duration next;

    public RestartBackoff(Duration initial, Duration max, Duration stable) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 <= initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.stable = stable;
        this.next = initial;
    }

    /** The wait before the next start, after a process that ran for {@code ranFor}. */
    public Duration afterExit(Duration ranFor) {
        if (ranFor.compareTo(stable) >= 0) {
            next = initial;
        }
        Duration wait = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return wait;
    }
}
