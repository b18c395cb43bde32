package io.kafkasas.testkit;

import org.testcontainers.kafka.KafkaContainer;

/** A one-broker Kafka in Docker (the official apache/kafka image), for machines with a Docker engine. */
final class ContainerKafka implements TestKafka, AutoCloseable {

    static final String IMAGE = "apache/kafka:4.1.1";
    private static final String NODE_CONTROL = "Stopping and starting brokers needs the embedded cluster"
        + " (sas.test.kafka=embedded)";

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafka start() {
        KafkaContainer container = new KafkaContainer(IMAGE)
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public int nodeCount() {
        return 1;
    }

    @Override
    public boolean supportsNodeControl() {
        return false;
    }

    @Override
    public void stopNode(int node) {
        throw new UnsupportedOperationException(NODE_CONTROL);
    }

    @Override
    public void startNode(int node) {
        throw new UnsupportedOperationException(NODE_CONTROL);
    }

    @Override
    public void close() {
        container.stop();
    }
}
