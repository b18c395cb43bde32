package io.kafkasas.scheduler.limits;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.LimitUse;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.RunFeed;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The limits: tasks that count against a limit wait in the scheduler until it lets them start.
 *
 * <pre>
 *   limits-source (limits, global: every instance holds every limit)
 *     -> limits-loader  [global store: scheduler-limits (key -&gt; limit)]
 *   limit-end-status-source (task-status, raw bytes)
 *     -> limit-end-feed (ending statuses of limited tasks, keyed by limit key)
 *     -> limit-ends repartition topic (as many partitions as the limited tasks)          --+
 *   limited-tasks-source (limited-tasks, raw bytes, keyed by limit key)                    |
 *     -> limits  [stores: scheduler-limit-use (key -&gt; use), scheduler-limit-queue      &lt;-+
 *                 (key | lane | sequence -&gt; task), scheduler-limit-running (key | task id -&gt; attempt),
 *                 scheduler-limit-cancelled (key | task id: cancelled while held)]
 *          -> limit-tasks-sink  (tasks.&lt;queue&gt;[.high|.low], keyed by task id)
 *          -> limit-status-sink (task-status: QUEUED "held by limit", when a new task is first held)
 * </pre>
 *
 * The intake sends a task here when it declares a limit key or its type has a limit; the supervisor sends its
 * retries and re-runs of such tasks here too, so that every attempt counts. Names are part of the contract
 * (changelog and repartition topics are named after them).
 */
public final class LimitTopology {

    public static final String LIMITS_SOURCE = "limits-source";
    public static final String LIMITS_LOADER = "limits-loader";
    /** Every limit, in every instance: the intake reads it to know which types are limited. */
    public static final String LIMITS_STORE = "scheduler-limits";
    private static final String END = "limit-end";
    public static final String ENDS_SOURCE = END + "s-repartition-source";
    public static final String SOURCE = "limited-tasks-source";
    public static final String PROCESSOR = "limits";
    public static final String USE_STORE = "scheduler-limit-use";
    public static final String QUEUE_STORE = "scheduler-limit-queue";
    public static final String RUNNING_STORE = "scheduler-limit-running";
    public static final String CANCELLED_STORE = "scheduler-limit-cancelled";
    public static final String TASKS_SINK = "limit-tasks-sink";
    public static final String STATUS_SINK = "limit-status-sink";
    /** The statuses that end an attempt, and so give its place back. */
    private static final Set<TaskStatusType> ENDS = EnumSet.of(TaskStatusType.SUCCEEDED, TaskStatusType.FAILED,
        TaskStatusType.CANCELLED, TaskStatusType.TIMED_OUT, TaskStatusType.RELEASED, TaskStatusType.DEAD_LETTERED,
        TaskStatusType.REJECTED);

    private LimitTopology() {
    }

    /** The ending statuses of limited tasks, re-keyed by limit key onto as many partitions as the limited tasks. */
    public static void feedEnds(StreamsBuilder builder, Topics topics, int partitions) {
        RunFeed.feed(builder, topics, END, (taskId, status) -> Optional.ofNullable(status.get())
            .map(TaskStatus::getLimitKey), ENDS, partitions);
    }

    /** Adds the limits' global store and processor, fed by {@link #feedEnds}'s output and the limited tasks. */
    public static void addTo(Topology topology, SchedulerConfig config, Topics topics, MeterRegistry meters,
                             Clock clock, IdleCommits idleCommits) {
        LimitMetrics metrics = new LimitMetrics(meters);
        TopicNameExtractor<String, TaskEvent> lane = (key, event, context) ->
            topics.names().tasks(event.getQueue(), event.getPriority());
        var events = topics.limitedTasks().valueSerde();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LIMITS_STORE),
                    Serdes.String(), topics.limits().valueSerde()).withLoggingDisabled(), LIMITS_SOURCE,
                new StringDeserializer(), new ByteArrayDeserializer(), topics.limits().name(), LIMITS_LOADER,
                () -> new LimitsLoader(topics.limits().name(), topics.limits().valueSerde().deserializer()))
            .addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.limitedTasks().name())
            .addProcessor(PROCESSOR, () -> new LimitProcessor(config, events.deserializer(), metrics, clock,
                idleCommits), SOURCE, ENDS_SOURCE)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(USE_STORE), Serdes.String(),
                topics.serdes().forValues(LimitUse.class)), PROCESSOR)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_STORE), Serdes.String(),
                events), PROCESSOR)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUNNING_STORE),
                Serdes.String(), Serdes.Integer()), PROCESSOR)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANCELLED_STORE),
                Serdes.String(), Serdes.Integer()), PROCESSOR)
            .addSink(TASKS_SINK, lane, Serdes.String().serializer(), events.serializer(), PROCESSOR)
            .addSink(STATUS_SINK, topics.taskStatus().name(), Serdes.String().serializer(),
                topics.taskStatus().valueSerde().serializer(), PROCESSOR);
    }
}
