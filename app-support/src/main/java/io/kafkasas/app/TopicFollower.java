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

/**
 * Reads topics from their end, read_committed, on a daemon thread of its own, and hands every record to
 * {@code onRecord}: what happens from now on, without a consumer group. A value deserializer that can fail stops
 * the thread at that record, so pass bytes and decode in {@code onRecord} where input may be bad.
 */
public final class TopicFollower<V> implements AutoCloseable {

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
                consumer.poll(Duration.ofMillis(100)).forEach(onRecord);
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
