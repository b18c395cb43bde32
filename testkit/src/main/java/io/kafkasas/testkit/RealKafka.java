package io.kafkasas.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a real Kafka broker, injected as a {@link TestKafka} parameter. The broker is
 * started once per test JVM (per node count) and shared by every class, so give each test its own topics and
 * application ids ({@link UniqueNames}).
 *
 * <p>Which Kafka: system property {@code sas.test.kafka} or environment variable {@code SAS_TEST_KAFKA},
 * {@code embedded} (default; KRaft from the Apache Kafka jars, no Docker needed) or {@code testcontainers}
 * (the {@code apache/kafka} image; the tests are skipped, not failed, where no Docker engine answers).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealKafkaExtension.class)
public @interface RealKafka {

    /** Brokers in the cluster: 1, or 3 for replication tests. */
    int brokers() default 1;
}
