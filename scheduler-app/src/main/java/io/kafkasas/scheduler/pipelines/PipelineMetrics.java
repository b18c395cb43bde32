package io.kafkasas.scheduler.pipelines;

import io.kafkasas.avro.PipelineState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.streams.processor.TaskId;

/**
 * What the pipelines count: how many are in each state now (in this instance's stores), how each ended, how many
 * started, and how soon a step follows its dependencies.
 */
final class PipelineMetrics {

    /** The pipelines one task's store holds, by state (indexed by ordinal); written by its stream thread only. */
    static final class StoreCounts {

        private final AtomicLongArray byState = new AtomicLongArray(PipelineState.values().length);

        void moved(PipelineState from, PipelineState to) {
            if (from != null) {
                byState.decrementAndGet(from.ordinal());
            }
            if (to != null) {
                byState.incrementAndGet(to.ordinal());
            }
        }
    }

    /** The states a pipeline ends in; each has its counter from the start, so that a query finds it at 0. */
    private static final List<PipelineState> ENDINGS = List.of(PipelineState.SUCCEEDED, PipelineState.COMPENSATED,
        PipelineState.STOPPED, PipelineState.COMPENSATION_FAILED);

    private final Counter started;
    private final Map<PipelineState, Counter> ended = new EnumMap<>(PipelineState.class);
    private final Timer stepDelay;
    private final Map<TaskId, StoreCounts> stores = new ConcurrentHashMap<>();

    PipelineMetrics(MeterRegistry registry) {
        for (PipelineState state : PipelineState.values()) {
            if (state != PipelineState.UNKNOWN) {
                Gauge.builder("sas.scheduler.pipelines", () -> stores.values().stream()
                        .mapToLong(counts -> counts.byState.get(state.ordinal())).sum()).tag("state", state.name())
                    .description("Pipelines in the scheduler's stores by state; ended ones until they are forgotten.")
                    .register(registry);
            }
        }
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

    /** The counts of {@code task}'s store, from {@code initial} (its pipelines' states when it was taken on). */
    StoreCounts store(TaskId task, Iterable<PipelineState> initial) {
        StoreCounts counts = new StoreCounts();
        initial.forEach(state -> counts.moved(null, state));
        stores.put(task, counts);
        return counts;
    }

    /** {@code task} went to another instance, or closed. */
    void storeGone(TaskId task) {
        stores.remove(task);
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
