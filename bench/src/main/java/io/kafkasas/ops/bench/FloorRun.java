package io.kafkasas.ops.bench;

import io.kafkasas.schemas.config.SasConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency floor of one exactly-once hop on the same broker: records sent open-loop at {@code rate}, each in a
 * Kafka transaction (every record due by the time the previous commit ended shares the next one, as our apps
 * commit), read by a {@code read_committed} consumer; latency from the intended send time to the read, in µs.
 */
final class FloorRun {

    private static final Logger LOG = LoggerFactory.getLogger(FloorRun.class);

    private FloorRun() {
    }

    /** {@link #run} on as many partitions as the task-requests topic of {@code config} has. */
    static Histogram likeRequests(SasConfig config, int rate, Duration length) throws ExecutionException,
        InterruptedException {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            int partitions = admin.describeTopics(List.of(config.topicNames().taskRequests())).allTopicNames().get()
                .values().iterator().next().partitions().size();
            return run(admin, config.kafkaProperties(), rate, length, partitions);
        }
    }

    /**
     * As {@link #once}; a run whose transaction the broker refused ({@link InvalidTxnStateException}, seen once on
     * a machine overloaded by other tests) is run again once, on a fresh topic: the floor is Kafka's figure, and one
     * aborted transaction says nothing about it.
     */
    static Histogram run(Admin admin, Map<String, Object> kafka, int rate, Duration length, int partitions)
        throws ExecutionException, InterruptedException {
        try {
            return once(admin, kafka, rate, length, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof InvalidTxnStateException)) {
                throw e;
            }
            LOG.warn("The floor run's transaction was refused ({}); running it again", e.getCause().toString());
            return once(admin, kafka, rate, length, partitions);
        }
    }

    private static Histogram once(Admin admin, Map<String, Object> kafka, int rate, Duration length, int partitions)
        throws ExecutionException, InterruptedException {
        long records = rate * length.toSeconds();
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        try (ScratchTopic scratch = ScratchTopic.create(admin, "sas-bench-floor-", partitions);
             KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, scratch.name())) {
            String topic = scratch.name();
            CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> produce(kafka, topic, rate, records));
            long seen = 0;
            long giveUp = System.nanoTime() + length.plusMinutes(2).toNanos();
            while (seen < records && System.nanoTime() < giveUp) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long intended = ByteBuffer.wrap(record.value()).getLong();
                    latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - intended)));
                    seen++;
                }
            }
            produced.get();
            if (seen < records) {
                throw new IllegalStateException("Read " + seen + " of " + records + " floor records");
            }
            return latency;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafka, String topic) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
        List<TopicPartition> assigned = consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        assigned.forEach(consumer::position);
        return consumer;
    }

    /** Each round: wait for the next record's time, then send every record due by now in one transaction. */
    private static void produce(Map<String, Object> kafka, String topic, int rate, long records) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sas-bench-floor-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
            new ByteArraySerializer())) {
            producer.initTransactions();
            long start = System.nanoTime();
            long i = 0;
            while (i < records) {
                Pacing.awaitDue(start, i, rate);
                producer.beginTransaction();
                do {
                    byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(Pacing.due(start, i, rate)).array();
                    producer.send(new ProducerRecord<>(topic, Long.toString(i).getBytes(), value));
                    i++;
                } while (i < records && Pacing.due(start, i, rate) <= System.nanoTime());
                producer.commitTransaction();
            }
        }
    }
}
