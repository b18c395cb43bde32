package io.kafkasas.ops.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop pacing: the i-th send of a run at {@code rate} per second is due at start + i / rate, however late the
 * ones before it went out, so a slow system does not slow the load down (no coordinated omission).
 */
final class Pacing {

    private Pacing() {
    }

    /** Waits until the i-th send is due; returns when it was due (System.nanoTime). */
    static long awaitDue(long startNanos, long i, int rate) {
        long due = due(startNanos, i, rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }

    /** When the i-th send is due (System.nanoTime). */
    static long due(long startNanos, long i, int rate) {
        return startNanos + i * TimeUnit.SECONDS.toNanos(1) / rate;
    }
}
