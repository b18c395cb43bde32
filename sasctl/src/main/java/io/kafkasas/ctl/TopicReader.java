package io.kafkasas.ctl;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How sasctl reads a topic: raw records, without a consumer group (it commits nothing and moves nobody's offsets),
 * committed transactions only (an aborted record was never an event).
 */
public final class TopicReader {

    private TopicReader() {
    }

    public static KafkaConsumer<byte[], byte[]> open(CtlConfig config) {
        Map<String, Object> props = config.readerProperties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Assigns every partition of {@code topic} to {@code consumer}; returns them. */
    public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic) {
        List<PartitionInfo> found = consumer.partitionsFor(topic);
        if (found == null || found.isEmpty()) {
            throw new CtlException(ExitCodes.NOT_FOUND, "There is no topic " + topic + ". Create the topics with"
                + " 'sasctl topics create', or check topic.prefix and queues in the settings.");
        }
        List<TopicPartition> partitions = found.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
        consumer.assign(partitions);
        return partitions;
    }
}
