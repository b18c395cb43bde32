package io.kafkasas.ops.flow;

import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings an end-to-end test starts from: topics of its own on the test broker, a registry, any free port, and
 * the test's HTTP token.
 */
final class TestSettings {

    private TestSettings() {
    }

    /** A mutable map: the test adds what it needs. */
    static Map<String, String> of(TestKafka kafka, String registryUrl) {
        Map<String, String> settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            SchemaRegistryConfig.URL, registryUrl, "http.port", "0"));
        settings.putAll(TestAuth.settings());
        return settings;
    }
}
