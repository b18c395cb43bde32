package io.kafkasas.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from their end, read_committed, on a daemon thread of its own, and hands every record to
 * {@code onRecord}: what happens from now on, without a consumer group. A record that cannot be deserialized, or
 * that {@code onRecord} fails on, is logged and passed over.
 */
public final class TopicFollower<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final KafkaConsumer<String, V> consumer;
    private final Consumer<ConsumerRecord<String, V>> onRecord;
    private final Thread thread;
    private volatile boolean running = true;

    public TopicFollower(String name, Map<String, Object> kafka, List<String> topics, Deserializer<String> keys,
                         Deserializer<V> values, Consumer<ConsumerRecord<String, V>> onRecord) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, keys, values);
        this.onRecord = onRecord;
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fixed now: only what comes after counts
        } catch (RuntimeException e) {
            consumer.close(); // Kafka unreachable: nothing will read with it
            throw e;
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, V> record : Polls.skippingUndecodable(consumer, Duration.ofMillis(100))) {
                    try {
                        onRecord.accept(record);
                    } catch (RuntimeException e) {
                        LOG.warn("Passing over {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                            e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
