package io.kafkasas.scheduler;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.scheduler.intake.IntakeTopology;
import io.kafkasas.scheduler.schedules.ScheduleTopology;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The scheduler's Kafka Streams topology, built by a plain function so tests drive it directly: the intake
 * ({@link IntakeTopology}: requests become tasks) and the schedules ({@link ScheduleTopology}: slots become
 * requests). {@code schedulePartitions} is the schedules topic's partition count, which the schedules' view of their
 * runs is partitioned by.
 */
public final class SchedulerTopology {

    private SchedulerTopology() {
    }

    public static Topology build(SchedulerConfig config, Topics topics, int schedulePartitions, MeterRegistry meters,
                                 Clock clock, IdleCommits idleCommits) {
        StreamsBuilder builder = new StreamsBuilder();
        ScheduleTopology.feedRuns(builder, topics, schedulePartitions);
        Topology topology = builder.build();
        IntakeTopology.addTo(topology, config, topics, meters, clock, idleCommits);
        ScheduleTopology.addTo(topology, config, topics, meters, clock, idleCommits);
        return topology;
    }
}
