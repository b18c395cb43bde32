package io.kafkasas.scheduler.pipelines;

import io.kafkasas.avro.PipelineState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the pipelines count: how each ended, how many started, and how soon a step follows its dependencies. */
final class PipelineMetrics {

    /** The states a pipeline ends in; each has its counter from the start, so that a query finds it at 0. */
    private static final List<PipelineState> ENDINGS = List.of(PipelineState.SUCCEEDED, PipelineState.COMPENSATED,
        PipelineState.STOPPED, PipelineState.COMPENSATION_FAILED);

    private final Counter started;
    private final Map<PipelineState, Counter> ended = new EnumMap<>(PipelineState.class);
    private final Timer stepDelay;

    PipelineMetrics(MeterRegistry registry) {
        started = Counter.builder("sas.scheduler.pipelines.started").description("Pipelines started.")
            .register(registry);
        for (PipelineState state : ENDINGS) {
            ended.put(state, Counter.builder("sas.scheduler.pipelines.ended").tag("state", state.name())
                .description("Pipelines ended, by how: SUCCEEDED, COMPENSATED, STOPPED, COMPENSATION_FAILED.")
                .register(registry));
        }
        stepDelay = Timer.builder("sas.scheduler.pipelines.step.delay")
            .description("From the last dependency of a step succeeding to the step being submitted.")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    void started() {
        started.increment();
    }

    void ended(PipelineState state) {
        Counter counter = ended.get(state);
        if (counter != null) {
            counter.increment();
        }
    }

    void stepDelay(Duration delay) {
        stepDelay.record(delay.isNegative() ? Duration.ZERO : delay);
    }
}
