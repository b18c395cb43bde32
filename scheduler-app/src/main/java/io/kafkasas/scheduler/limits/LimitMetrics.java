package io.kafkasas.scheduler.limits;

import io.kafkasas.avro.Limit;
import io.kafkasas.avro.LimitUse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the limits show, per limit key that has a limit (keys tasks declare without one are not shown: they are
 * the callers' to choose, and would be unbounded): tasks waiting, by what holds them, and tasks running.
 */
final class LimitMetrics {

    /** One key's latest figures, as its processor last saw them. */
    record Figures(long waiting, int running, LimitGate.Holding holding) {
    }

    private final MeterRegistry registry;
    private final Map<String, Figures> figures = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The figures of {@code key} now; the key's gauges are registered the first time it has a limit. */
    void show(String key, Limit limit, LimitUse use, LimitGate.Holding holding) {
        figures.put(key, new Figures(LimitGate.waiting(use), use.getRunning(), holding));
        if (limit != null) {
            limited(key);
        }
    }

    /** {@code key} has a limit: its gauges exist from now on (at 0 until its processor shows figures). */
    void limited(String key) {
        if (registered.add(key)) {
            register(key);
        }
    }

    /** The figures of {@code key}, as this instance last saw them; null if it holds none of its tasks. */
    Figures of(String key) {
        return figures.get(key);
    }

    private void register(String key) {
        for (LimitGate.Holding holding : LimitGate.Holding.values()) {
            String reason = holding == LimitGate.Holding.NOTHING ? "none" : holding.name().toLowerCase();
            Gauge.builder("sas.scheduler.limit.waiting", () -> {
                Figures f = figures.get(key);
                return f == null || f.holding() != holding ? 0 : f.waiting();
            }).tag("key", key).tag("reason", reason)
                .description("Tasks a limit holds, by what holds them now: rate_limit, concurrency_limit (none: about"
                    + " to go).").register(registry);
        }
        Gauge.builder("sas.scheduler.limit.running", () -> {
            Figures f = figures.get(key);
            return f == null ? 0 : f.running();
        }).tag("key", key).description("Tasks of a limit released and not ended: the places it has taken.")
            .register(registry);
    }
}
