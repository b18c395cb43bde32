package io.kafkasas.scheduler;

import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the statuses of the tasks a schedule or a pipeline submitted out of the status topic by their key (a task id
 * that names its owner), keeps those of the kinds its owner acts on, and keys them by their owner. Only those values
 * are decoded. A status that does not decode is passed over: the supervisor, the status topic's reader of record,
 * dead-letters it.
 */
public final class RunFeed implements Processor<byte[], byte[], String, TaskStatus> {

    private static final Logger LOG = LoggerFactory.getLogger(RunFeed.class);
    private final Deserializer<TaskStatus> statuses;
    private final Function<String, Optional<String>> ownerOf;
    private final Set<TaskStatusType> kept;
    private ProcessorContext<String, TaskStatus> context;

    /**
     * Adds to {@code builder} the statuses of the tasks {@code ownerOf} recognises, of the kinds {@code kept},
     * re-keyed by their owner onto a repartition topic named after {@code name} with {@code partitions} partitions
     * (as many as the owners' own topic, so that they meet the owner's state). Its nodes are
     * {@code name}-status-source, {@code name}-feed and {@code name}s-repartition-source. The status topic is read
     * once however many feeds there are: Kafka Streams merges sources of one topic into the first one's node.
     */
    public static void feed(StreamsBuilder builder, Topics topics, String name, Function<String, Optional<String>>
        ownerOf, Set<TaskStatusType> kept, int partitions) {
        Topic<String, TaskStatus> status = topics.taskStatus();
        builder.stream(status.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName(name + "-status-source"))
            .process(() -> new RunFeed(status.valueSerde().deserializer(), ownerOf, kept), Named.as(name + "-feed"))
            .repartition(Repartitioned.<String, TaskStatus>as(name + "s").withKeySerde(Serdes.String())
                .withValueSerde(status.valueSerde()).withNumberOfPartitions(partitions));
    }

    /** {@code ownerOf}: the owner a task id names, if any; {@code kept}: the kinds of status passed on. */
    RunFeed(Deserializer<TaskStatus> statuses, Function<String, Optional<String>> ownerOf,
                   Set<TaskStatusType> kept) {
        this.statuses = statuses;
        this.ownerOf = ownerOf;
        this.kept = kept;
    }

    @Override
    public void init(ProcessorContext<String, TaskStatus> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String taskId = new String(record.key(), StandardCharsets.UTF_8);
        String owner = ownerOf.apply(taskId).orElse(null);
        if (owner == null) {
            return;
        }
        try {
            TaskStatus status = statuses.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""),
                record.value());
            if (status != null && taskId.equals(status.getTaskId()) && kept.contains(status.getStatus())) {
                context.forward(new Record<>(owner, status, record.timestamp()));
            }
        } catch (RuntimeException e) {
            LOG.debug("Passing over an undecodable status of task {}: {}", taskId, e.toString());
        }
    }
}
