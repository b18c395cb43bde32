package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.RetryPolicy;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Temporal-style exponential back-off: the n-th retry waits {@code initial * coefficient^(n-1)}, capped at the
 * maximum, then varied by up to {@code jitter} either way (never above the maximum).
 */
public final class Backoff {

    private final double jitter;
    private final DoubleSupplier random;

    public Backoff(double jitter, DoubleSupplier random) {
        this.jitter = jitter;
        this.random = random;
    }

    /** The delay before retry number {@code retry} (1 for the first retry). */
    public Duration delay(RetryPolicy policy, int retry) {
        double base = policy.getInitialIntervalMs() * Math.pow(policy.getBackoffCoefficient(), retry - 1);
        double capped = Math.min(base, policy.getMaxIntervalMs());
        double varied = capped * (1 + jitter * (2 * random.getAsDouble() - 1));
        return Duration.ofMillis(Math.max(0, Math.round(Math.min(varied, policy.getMaxIntervalMs()))));
    }
}
