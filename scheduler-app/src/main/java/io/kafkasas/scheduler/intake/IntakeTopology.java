package io.kafkasas.scheduler.intake;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's intake: task requests become tasks.
 *
 * <pre>
 *   requests-source (task-requests, raw bytes)
 *     -> intake  [stores: intake-dedup (window), intake-delayed (key = due time | task id)]
 *          -> tasks-sink        (tasks.&lt;queue&gt;[.high|.low], TaskEvent)
 *          -> limited-sink      (limited-tasks, keyed by limit key: a task that declares one or whose type has a
 *                                limit, per the global store scheduler-limits)
 *          -> status-sink       (task-status: QUEUED, REJECTED)
 *          -> dead-letter-sink  (dead-letters: undecodable or invalid requests)
 * </pre>
 *
 * Names are part of the contract: the stores' changelog topics are named after them, so renaming one orphans its
 * state. {@code IntakeTopologyTest} pins them.
 */
public final class IntakeTopology {

    public static final String SOURCE = "requests-source";
    public static final String INTAKE = "intake";
    public static final String DEDUP_STORE = "intake-dedup";
    public static final String DELAYED_STORE = "intake-delayed";
    public static final String TASKS_SINK = "tasks-sink";
    public static final String LIMITED_SINK = "limited-sink";
    public static final String STATUS_SINK = "status-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private IntakeTopology() {
    }

    /** Adds the intake to {@code topology}. */
    public static void addTo(Topology topology, SchedulerConfig config, Topics topics, MeterRegistry meters,
                             Clock clock, IdleCommits idleCommits) {
        Serde<TaskEvent> events = topics.tasks(config.queues().get(0)).valueSerde();
        TopicNameExtractor<String, TaskEvent> taskTopic = (key, event, context) ->
            topics.names().tasks(event.getQueue(), event.getPriority());
        IntakeMetrics metrics = IntakeMetrics.on(meters);
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.taskRequests().name())
            .addProcessor(INTAKE, () -> new IntakeProcessor(config, topics, metrics, clock, idleCommits), SOURCE)
            .addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUP_STORE, config.dedupWindow(), config.dedupWindow(), false),
                Serdes.String(), Serdes.String()), INTAKE)
            .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELAYED_STORE),
                Serdes.String(), events), INTAKE)
            .addSink(TASKS_SINK, taskTopic, Serdes.String().serializer(), events.serializer(), INTAKE)
            .addSink(LIMITED_SINK, topics.limitedTasks().name(), Serdes.String().serializer(), events.serializer(),
                INTAKE)
            .addSink(STATUS_SINK, topics.taskStatus().name(), Serdes.String().serializer(),
                topics.taskStatus().valueSerde().serializer(), INTAKE)
            .addSink(DEAD_LETTER_SINK, topics.deadLetters().name(), Serdes.ByteArray().serializer(),
                topics.deadLetters().valueSerde().serializer(), INTAKE);
    }
}
