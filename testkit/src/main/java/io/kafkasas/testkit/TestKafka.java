package io.kafkasas.testkit;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The real Kafka a test runs against: embedded KRaft (default) or a Testcontainers broker. */
public interface TestKafka {

    /** {@code host:port,...} for clients. */
    String bootstrapServers();

    /** How many brokers the cluster has. */
    int nodeCount();

    /** Whether {@link #stopNode}/{@link #startNode} work (only for the embedded cluster). */
    boolean supportsNodeControl();

    /** Stops one broker (0-based), keeping its data. */
    void stopNode(int node);

    /** Starts a stopped broker again. */
    void startNode(int node);

    /** A producer of raw bytes, for the records no serde of ours would write (poison, tombstones). */
    default KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());
    }
}
