package io.kafkasas.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads every committed record of some topics from the beginning, in the background, so a test can assert on
 * all that was published (read_committed: aborted transactions are not seen, as no real consumer sees them).
 */
public final class RecordCollector<K, V> implements AutoCloseable {

    private final KafkaConsumer<K, V> consumer;
    private final List<ConsumerRecord<K, V>> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    public RecordCollector(TestKafka kafka, Collection<String> topics, Deserializer<K> keys, Deserializer<V> values) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
        List<TopicPartition> partitions = topics.stream().flatMap(t -> consumer.partitionsFor(t).stream()
            .map(p -> new TopicPartition(t, p.partition()))).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::collect, "collector-" + String.join(",", topics));
        thread.setDaemon(true);
        thread.start();
    }

    private void collect() {
        try {
            while (!stopping) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    synchronized (records) {
                        records.add(record);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Every record read so far. */
    public List<ConsumerRecord<K, V>> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Every value read so far (null values, i.e. undecodable or tombstones, left out). */
    public List<V> values() {
        return records().stream().map(ConsumerRecord::value).filter(v -> v != null).toList();
    }

    public List<V> values(Predicate<V> filter) {
        List<V> matching = new ArrayList<>();
        for (V value : values()) {
            if (filter.test(value)) {
                matching.add(value);
            }
        }
        return matching;
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        thread.join(5_000);
    }
}
