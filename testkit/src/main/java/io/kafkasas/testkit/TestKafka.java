package io.kafkasas.testkit;

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
}
