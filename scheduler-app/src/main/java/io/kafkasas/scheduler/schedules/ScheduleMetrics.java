package io.kafkasas.scheduler.schedules;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** What the schedules count: every slot is fired, skipped or missed; how late slots fire; schedules refused. */
record ScheduleMetrics(Counter fired, Counter skipped, Counter missed, Counter replaced, Counter deadLettered,
                       Timer firingLag) {

    static ScheduleMetrics on(MeterRegistry registry) {
        return new ScheduleMetrics(
            slots(registry, "fired", "Slots whose run was submitted (by the clock; held slots when released)."),
            slots(registry, "skipped", "Slots not fired because an earlier run had not ended (overlap policy)."),
            slots(registry, "missed", "Slots older than their schedule's catch-up window when they could fire."),
            Counter.builder("sas.scheduler.schedules.replaced").description(
                "Runs cancelled because a new slot replaced them (overlap REPLACE).").register(registry),
            Counter.builder("sas.scheduler.schedules.dead.lettered").description(
                "Schedule records dead-lettered: undecodable, or refused by the schedule rules.").register(registry),
            Timer.builder("sas.scheduler.schedules.firing.lag").description(
                    "How late a slot fired: fired at minus due time (the slot plus its jitter).")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
    }

    private static Counter slots(MeterRegistry registry, String outcome, String description) {
        return Counter.builder("sas.scheduler.schedules.slots").tag("outcome", outcome).description(description)
            .register(registry);
    }
}
