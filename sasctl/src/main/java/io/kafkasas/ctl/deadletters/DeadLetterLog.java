package io.kafkasas.ctl.deadletters;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.TopicReader;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads the dead-letter topic as it stands now, without a consumer group (nothing is committed or moved). */
public final class DeadLetterLog {

    /** One dead letter where it lies; {@code letter} is null if it could not be decoded ({@code problem} says why). */
    public record Entry(String topic, int partition, long offset, Instant writtenAt, DeadLetter letter,
                        String problem) {

        /** Where it lies, as {@code --at} takes it: {@code partition:offset}. */
        public String at() {
            return partition + ":" + offset;
        }
    }

    private final CtlConfig config;

    public DeadLetterLog(CtlConfig config) {
        this.config = config;
    }

    /** Every dead letter up to the end of the topic when called, oldest first within a partition, that matches. */
    public List<Entry> read(Predicate<Entry> matching) {
        String topic = config.topicNames().deadLetters();
        Deserializer<DeadLetter> values = config.topics().deadLetters().valueSerde().deserializer();
        List<Entry> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(config)) {
            List<TopicPartition> partitions = TopicReader.assignAll(consumer, topic);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(config.kafkaTimeout());
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within "
                        + config.kafkaTimeout().toSeconds() + " s (ctl.kafka.timeout.ms)");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Entry entry = decode(values, record);
                    if (matching.test(entry)) {
                        found.add(entry);
                    }
                }
            }
        }
        found.sort(Comparator.comparing(Entry::writtenAt));
        return found;
    }

    /** {@code record} of the dead-letter topic as an entry: decoded, or with the reason it could not be. */
    public static Entry decode(Deserializer<DeadLetter> values, ConsumerRecord<byte[], byte[]> record) {
        Instant at = Instant.ofEpochMilli(record.timestamp());
        try {
            DeadLetter letter = values.deserialize(record.topic(), record.value());
            return new Entry(record.topic(), record.partition(), record.offset(), at, letter,
                letter == null ? "a tombstone (no value)" : null);
        } catch (UndecodableRecordException e) {
            return new Entry(record.topic(), record.partition(), record.offset(), at, null, e.getMessage());
        }
    }
}
