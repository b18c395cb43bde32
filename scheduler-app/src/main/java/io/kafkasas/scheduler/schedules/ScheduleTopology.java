package io.kafkasas.scheduler.schedules;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.RunFeed;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The schedules: slots become task requests, each exactly once.
 *
 * <pre>
 *   schedule-run-status-source (task-status, raw bytes)
 *     -> schedule-run-feed (statuses of schedule runs, keyed by schedule id)
 *     -> schedule-runs repartition topic (as many partitions as the schedules topic)   --+
 *   schedules-source (schedules, raw bytes)                                              |
 *     -> schedules  [stores: scheduler-schedules (id -&gt; state), scheduler-schedule-timers (due time | id)]  &lt;-+
 *          -> schedule-requests-sink     (task-requests: one per slot fired, keyed by its run id)
 *          -> schedule-cancels-sink      (task-status: CANCEL_REQUESTED, overlap REPLACE)
 *          -> schedule-dead-letter-sink  (dead-letters: undecodable or invalid schedules)
 * </pre>
 *
 * A fired slot goes through the intake like any request: its idempotency key is its run id, so the intake lets it
 * run once however often it is submitted (a backfill of a slot that already ran is a repeat). Names are part of the
 * contract (changelog and repartition topics are named after them); {@code ScheduleTopologyTest} pins them.
 */
public final class ScheduleTopology {

    /** What the nodes and the repartition topic of the runs' statuses are named after ({@link RunFeed#feed}). */
    private static final String RUN = "schedule-run";
    public static final String STATUS_SOURCE = RUN + "-status-source";
    public static final String RUN_FEED = RUN + "-feed";
    public static final String RUNS = RUN + "s";
    /** The source node of the repartitioned runs, as Kafka Streams names it after {@link #RUNS}. */
    public static final String RUNS_SOURCE = RUNS + "-repartition-source";
    public static final String SOURCE = "schedules-source";
    public static final String PROCESSOR = "schedules";
    public static final String STORE = "scheduler-schedules";
    public static final String TIMERS_STORE = "scheduler-schedule-timers";
    public static final String REQUESTS_SINK = "schedule-requests-sink";
    public static final String CANCELS_SINK = "schedule-cancels-sink";
    public static final String DEAD_LETTER_SINK = "schedule-dead-letter-sink";

    /** The statuses that change what a schedule knows of a run; progress, retried failures and the like do not. */
    private static final Set<TaskStatusType> CHANGES_A_RUN = EnumSet.of(TaskStatusType.STARTED,
        TaskStatusType.SUCCEEDED, TaskStatusType.CANCELLED, TaskStatusType.DEAD_LETTERED, TaskStatusType.REJECTED);

    private ScheduleTopology() {
    }

    /** The statuses of schedule runs, re-keyed by schedule id onto as many partitions as the schedules topic. */
    public static void feedRuns(StreamsBuilder builder, Topics topics, int schedulePartitions) {
        RunFeed.feed(builder, topics, RUN, ScheduleRuns::scheduleOf, CHANGES_A_RUN, schedulePartitions);
    }

    /** Adds the schedule processor, fed by {@link #feedRuns}'s output and the schedules topic. */
    public static void addTo(Topology topology, SchedulerConfig config, Topics topics, MeterRegistry meters,
                             Clock clock, IdleCommits idleCommits) {
        ScheduleMetrics metrics = ScheduleMetrics.on(meters);
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.schedules().name())
            .addProcessor(PROCESSOR, () -> new ScheduleProcessor(config, topics, metrics, clock, idleCommits),
                SOURCE, RUNS_SOURCE)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                topics.serdes().forValues(ScheduleState.class)), PROCESSOR)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE),
                Serdes.String(), Serdes.String()), PROCESSOR)
            .addSink(REQUESTS_SINK, topics.taskRequests().name(), Serdes.String().serializer(),
                topics.taskRequests().valueSerde().serializer(), PROCESSOR)
            .addSink(CANCELS_SINK, topics.taskStatus().name(), Serdes.String().serializer(),
                topics.taskStatus().valueSerde().serializer(), PROCESSOR)
            .addSink(DEAD_LETTER_SINK, topics.deadLetters().name(), Serdes.ByteArray().serializer(),
                topics.deadLetters().valueSerde().serializer(), PROCESSOR);
    }
}
