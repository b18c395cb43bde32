package io.kafkasas.ops.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw-Kafka ceiling on the same broker: {@code records} records of {@code size} bytes produced with the
 * same durability as ours (acks=all, idempotence) into a fresh topic of {@code partitions}, and consumed
 * (read_committed) at the same time; timed until the last one is read.
 */
final class RawKafkaRun {

    private RawKafkaRun() {
    }

    /** Records per second through produce and consume. */
    static double run(Admin admin, Map<String, Object> kafka, long records, int size, int partitions)
        throws ExecutionException, InterruptedException {
        try (ScratchTopic scratch = ScratchTopic.create(admin, "sas-bench-raw-", partitions)) {
            String topic = scratch.name();
            long start = System.nanoTime();
            CompletableFuture<Void> consumed = CompletableFuture.runAsync(() -> consume(kafka, topic, records));
            produce(kafka, topic, records, size);
            consumed.get();
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void produce(Map<String, Object> kafka, String topic, long records, int size) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        byte[] value = new byte[size];
        ThreadLocalRandom.current().nextBytes(value);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
            new ByteArraySerializer())) {
            for (long i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, Long.toString(i).getBytes(), value));
            }
            producer.flush();
        }
    }

    private static void consume(Map<String, Object> kafka, String topic, long records) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long seen = 0;
            long giveUp = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < records) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("Read " + seen + " of " + records + " records in 10 minutes");
                }
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
    }
}
