package io.kafkasas.scheduler;

import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
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
 * are decoded. The limits' feed names its owner in the status itself ({@code limitKey}), so it decodes every one.
 * A status that does not decode is passed over: the supervisor, the status topic's reader of record, dead-letters
 * it.
 */
public final class RunFeed implements Processor<byte[], byte[], String, TaskStatus> {

    private static final Logger LOG = LoggerFactory.getLogger(RunFeed.class);
    private final Deserializer<TaskStatus> statuses;
    private final Owner ownerOf;
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
        feed(builder, topics, name, (taskId, status) -> ownerOf.apply(taskId), kept, partitions);
    }

    /** As {@link #feed}, the owner read from the task id or, where the id does not name it, from the status. */
    public static void feed(StreamsBuilder builder, Topics topics, String name, Owner ownerOf,
                            Set<TaskStatusType> kept, int partitions) {
        Topic<String, TaskStatus> status = topics.taskStatus();
        builder.stream(status.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName(name + "-status-source"))
            .process(() -> new RunFeed(status.valueSerde().deserializer(), ownerOf, kept), Named.as(name + "-feed"))
            .repartition(Repartitioned.<String, TaskStatus>as(name + "s").withKeySerde(Serdes.String())
                .withValueSerde(status.valueSerde()).withNumberOfPartitions(partitions));
    }

    /** Whose a status is: none (passed over), or its owner. */
    @FunctionalInterface
    public interface Owner {
        /** {@code status} decodes the value (once) on demand; null when it does not decode. */
        Optional<String> of(String taskId, Supplier<TaskStatus> status);
    }

    /** {@code ownerOf}: whose each status is, if anyone's; {@code kept}: the kinds of status passed on. */
    RunFeed(Deserializer<TaskStatus> statuses, Owner ownerOf, Set<TaskStatusType> kept) {
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
        Supplier<TaskStatus> status = new Supplier<>() { // decoded once, and only if asked for
            private boolean tried;
            private TaskStatus decoded;

            @Override
            public TaskStatus get() {
                if (!tried) {
                    tried = true;
                    decoded = decode(taskId, record.value());
                }
                return decoded;
            }
        };
        String owner = ownerOf.of(taskId, status).orElse(null);
        if (owner == null) {
            return;
        }
        TaskStatus value = status.get();
        if (value != null && taskId.equals(value.getTaskId()) && kept.contains(value.getStatus())) {
            context.forward(new Record<>(owner, value, record.timestamp()));
        }
    }

    private TaskStatus decode(String taskId, byte[] value) {
        try {
            return statuses.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""), value);
        } catch (RuntimeException e) {
            LOG.debug("Passing over an undecodable status of task {}: {}", taskId, e.toString());
            return null;
        }
    }
}
