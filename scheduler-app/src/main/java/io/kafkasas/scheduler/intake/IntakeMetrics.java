package io.kafkasas.scheduler.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** What the intake counts: every request ends in exactly one of these. */
public record IntakeMetrics(Counter accepted, Counter delayed, Counter duplicates, Counter rejected,
                            Counter deadLettered, Timer delayedLag) {

    public static IntakeMetrics on(MeterRegistry registry) {
        return new IntakeMetrics(
            counter(registry, "accepted", "Requests that became a task (delayed ones included)."),
            counter(registry, "delayed", "Accepted requests held until their notBefore time."),
            counter(registry, "duplicates", "Requests dropped as repeats of an idempotency key within the window."),
            counter(registry, "rejected", "Invalid requests, answered with a REJECTED status and a dead letter."),
            counter(registry, "dead.lettered", "Records sent to the dead-letter topic (undecodable or invalid)."),
            Timer.builder("sas.scheduler.delayed.lag").description("How late held tasks (delayed ones, and schedule"
                    + " runs handed over before their slot) were emitted: emitted at minus notBefore.")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder("sas.scheduler.requests." + name).description(description).register(registry);
    }
}
