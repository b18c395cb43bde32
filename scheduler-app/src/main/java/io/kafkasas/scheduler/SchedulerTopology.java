package io.kafkasas.scheduler;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.scheduler.intake.IntakeTopology;
import io.kafkasas.scheduler.limits.LimitTopology;
import io.kafkasas.scheduler.pipelines.PipelineTopology;
import io.kafkasas.scheduler.schedules.ScheduleTopology;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The scheduler's Kafka Streams topology, built by a plain function so tests drive it directly: the intake
 * ({@link IntakeTopology}: requests become tasks), the schedules ({@link ScheduleTopology}: slots become requests),
 * the pipelines ({@link PipelineTopology}: steps become requests as their dependencies succeed) and the limits
 * ({@link LimitTopology}: limited tasks wait until their limit lets them start). The schedules', the pipelines' and
 * the limits' views of their tasks are partitioned as their own topics ({@link Partitions}).
 */
public final class SchedulerTopology {

    private SchedulerTopology() {
    }

    public static Topology build(SchedulerConfig config, Topics topics, Partitions partitions, MeterRegistry meters,
                                 Clock clock, IdleCommits idleCommits) {
        StreamsBuilder builder = new StreamsBuilder();
        ScheduleTopology.feedRuns(builder, topics, partitions.schedules());
        PipelineTopology.feedSteps(builder, topics, partitions.pipelines());
        LimitTopology.feedEnds(builder, topics, partitions.limitedTasks());
        Topology topology = builder.build();
        LimitTopology.addTo(topology, config, topics, meters, clock, idleCommits);
        IntakeTopology.addTo(topology, config, topics, meters, clock, idleCommits);
        ScheduleTopology.addTo(topology, config, topics, meters, clock, idleCommits);
        PipelineTopology.addTo(topology, config, topics, meters, clock);
        return topology;
    }

    /** The partition counts of the topics the schedules', the pipelines' and the limits' views of tasks follow. */
    public record Partitions(int schedules, int pipelines, int limitedTasks) {
    }
}
