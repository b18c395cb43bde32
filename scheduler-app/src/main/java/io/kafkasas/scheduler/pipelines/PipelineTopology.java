package io.kafkasas.scheduler.pipelines;

import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.RunFeed;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.PipelineRuns;
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
 * The pipelines: steps become task requests as their dependencies succeed, and compensations when they fail.
 *
 * <pre>
 *   pipeline-step-status-source (task-status, raw bytes)
 *     -> pipeline-step-feed (statuses of pipeline steps, keyed by pipeline id)
 *     -> pipeline-steps repartition topic (as many partitions as the pipelines topic)   --+
 *   pipelines-source (pipelines, raw bytes)                                              |
 *     -> pipelines  [stores: scheduler-pipelines (id -&gt; run), scheduler-pipeline-deadlines (due | id)]  &lt;-+
 *          -> pipeline-requests-sink     (task-requests: steps and compensations, keyed by their task ids)
 *          -> pipeline-cancels-sink      (task-status: CANCEL_REQUESTED of running steps)
 *          -> pipeline-dead-letter-sink  (dead-letters: bad pipelines, and pipelines whose compensation failed)
 * </pre>
 *
 * Names are part of the contract (changelog and repartition topics are named after them).
 */
public final class PipelineTopology {

    /** What the nodes and the repartition topic of the steps' statuses are named after ({@link RunFeed#feed}). */
    private static final String STEP = "pipeline-step";
    public static final String STATUS_SOURCE = STEP + "-status-source";
    public static final String STEP_FEED = STEP + "-feed";
    public static final String STEPS = STEP + "s";
    /** The source node of the repartitioned step statuses, as Kafka Streams names it after {@link #STEPS}. */
    public static final String STEPS_SOURCE = STEPS + "-repartition-source";
    public static final String SOURCE = "pipelines-source";
    public static final String PROCESSOR = "pipelines";
    public static final String STORE = "scheduler-pipelines";
    public static final String DEADLINES_STORE = "scheduler-pipeline-deadlines";
    public static final String REQUESTS_SINK = "pipeline-requests-sink";
    public static final String CANCELS_SINK = "pipeline-cancels-sink";
    public static final String DEAD_LETTER_SINK = "pipeline-dead-letter-sink";
    /** The statuses a pipeline acts on or shows (a retried failure's error). */
    private static final Set<TaskStatusType> KEPT = EnumSet.of(TaskStatusType.STARTED, TaskStatusType.FAILED,
        TaskStatusType.TIMED_OUT, TaskStatusType.SUCCEEDED, TaskStatusType.CANCELLED, TaskStatusType.DEAD_LETTERED,
        TaskStatusType.REJECTED);

    private PipelineTopology() {
    }

    /** The statuses of pipeline steps, re-keyed by pipeline id onto as many partitions as the pipelines topic. */
    public static void feedSteps(StreamsBuilder builder, Topics topics, int pipelinePartitions) {
        RunFeed.feed(builder, topics, STEP, PipelineRuns::pipelineOf, KEPT, pipelinePartitions);
    }

    /** Adds the pipeline processor, fed by {@link #feedSteps}'s output and the pipelines topic. */
    public static void addTo(Topology topology, SchedulerConfig config, Topics topics, MeterRegistry meters,
                             Clock clock) {
        PipelineMetrics metrics = new PipelineMetrics(meters);
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.pipelines().name())
            .addProcessor(PROCESSOR, () -> new PipelineProcessor(config, topics, metrics, clock), SOURCE, STEPS_SOURCE)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                topics.serdes().forValues(PipelineRun.class)), PROCESSOR)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE),
                Serdes.String(), Serdes.String()), PROCESSOR)
            .addSink(REQUESTS_SINK, topics.taskRequests().name(), Serdes.String().serializer(),
                topics.taskRequests().valueSerde().serializer(), PROCESSOR)
            .addSink(CANCELS_SINK, topics.taskStatus().name(), Serdes.String().serializer(),
                topics.taskStatus().valueSerde().serializer(), PROCESSOR)
            .addSink(DEAD_LETTER_SINK, topics.deadLetters().name(), Serdes.ByteArray().serializer(),
                topics.deadLetters().valueSerde().serializer(), PROCESSOR);
    }
}
