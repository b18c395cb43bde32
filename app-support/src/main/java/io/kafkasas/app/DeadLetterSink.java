package io.kafkasas.app;

import io.kafkasas.avro.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an app's poison records go: the dead-letter topic, each letter counted by reason and source topic in
 * {@code sas_<app>_records_dead_lettered_total}. Most letters travel in the transaction of the reader that found
 * them ({@link #record}); a reader without one (Kafka Streams' global thread) sends through {@link #sendNow}.
 */
public final class DeadLetterSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);

    private final String topic;
    private final Serializer<DeadLetter> serializer;
    private final String producedBy;
    private final Map<String, Object> kafka;
    private final MeterRegistry meters;
    private final String app;
    private Producer<byte[], byte[]> producer;

    /** Letters of {@code app} (the meter's name), written by {@code producedBy} with {@code kafka}'s settings. */
    public DeadLetterSink(String app, String producedBy, String topic, Serializer<DeadLetter> serializer,
                          Map<String, Object> kafka, MeterRegistry meters) {
        this.topic = topic;
        this.serializer = serializer;
        this.producedBy = producedBy;
        this.kafka = kafka;
        this.meters = meters;
        this.app = app;
    }

    public String producedBy() {
        return producedBy;
    }

    /**
     * The record that carries {@code letter} to the dead-letter topic, counted now: if the transaction it joins
     * aborts, the record is read again and counted again, so the counter may run a little ahead of the topic.
     */
    public ProducerRecord<byte[], byte[]> record(byte[] key, DeadLetter letter) {
        count(meters, app, letter);
        return new ProducerRecord<>(topic, key, serializer.serialize(topic, letter));
    }

    /** Counts a letter of {@code app}'s that was written by other means. */
    public static void count(MeterRegistry meters, String app, DeadLetter letter) {
        Counter.builder("sas." + app + ".records.dead.lettered").description("Poison records sent to the dead-letter"
                + " topic").tag("reason", letter.getReason().name()).tag("topic", letter.getSourceTopic())
            .register(meters).increment();
    }

    /** Sends {@code letter} at once, outside any transaction (idempotent, acks=all). */
    public synchronized void sendNow(byte[] key, DeadLetter letter) {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, producedBy.replace(' ', '-') + "-dead-letters");
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }
        producer.send(record(key, letter), (metadata, e) -> {
            if (e != null) {
                LOG.error("Could not write a dead letter for {}-{}@{}: {}", letter.getSourceTopic(),
                    letter.getSourcePartition(), letter.getSourceOffset(), e.toString());
            }
        });
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
