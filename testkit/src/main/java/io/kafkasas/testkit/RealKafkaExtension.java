package io.kafkasas.testkit;

import io.kafkasas.kafka.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;

/** Starts (once per JVM and node count) and injects the Kafka that {@link RealKafka} asks for. */
public final class RealKafkaExtension implements BeforeAllCallback, ParameterResolver {

    public static final String SELECTOR_PROPERTY = "sas.test.kafka";
    public static final String SELECTOR_ENV = "SAS_TEST_KAFKA";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKafka.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return kafka(context);
    }

    private static TestKafka kafka(ExtensionContext context) {
        int brokers = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RealKafka.class)
            .map(RealKafka::brokers).orElse(1);
        if ("testcontainers".equals(selector())) {
            Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "sas.test.kafka=testcontainers but no Docker engine answers: skipped");
            Assumptions.assumeTrue(brokers == 1, "the Testcontainers path runs one broker: skipped");
            return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent("testcontainers", k -> ContainerKafka.start(), ContainerKafka.class);
        }
        return context.getRoot().getStore(NAMESPACE)
            .computeIfAbsent("embedded-" + brokers, k -> EmbeddedKafka.start(brokers), EmbeddedKafka.class);
    }

    private static String selector() {
        String value = System.getProperty(SELECTOR_PROPERTY, System.getenv(SELECTOR_ENV));
        String selected = value == null || value.isBlank() ? "embedded" : value.trim().toLowerCase(Locale.ROOT);
        if (!selected.equals("embedded") && !selected.equals("testcontainers")) {
            throw new IllegalArgumentException(SELECTOR_PROPERTY + " must be 'embedded' or 'testcontainers', not '"
                + value + "'");
        }
        return selected;
    }

    /** The in-process KRaft cluster; closed when the test JVM's root context closes. */
    static final class EmbeddedKafka implements TestKafka, AutoCloseable {
        private final KafkaCluster cluster;
        private final Path dir;

        private EmbeddedKafka(KafkaCluster cluster, Path dir) {
            this.cluster = cluster;
            this.dir = dir;
        }

        static EmbeddedKafka start(int brokers) {
            try {
                Path dir = Files.createTempDirectory("sas-kafka-" + brokers + "-");
                return new EmbeddedKafka(KafkaCluster.start(dir, brokers, 0, Map.of()), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String bootstrapServers() {
            return cluster.bootstrapServers();
        }

        @Override
        public int nodeCount() {
            return cluster.nodeCount();
        }

        @Override
        public boolean supportsNodeControl() {
            return true;
        }

        @Override
        public void stopNode(int node) {
            cluster.stopNode(node);
        }

        @Override
        public void startNode(int node) {
            cluster.startNode(node);
            cluster.awaitReady(cluster.nodeCount());
        }

        @Override
        public void close() {
            cluster.close();
            TempDirs.deleteQuietly(dir);
        }
    }
}
