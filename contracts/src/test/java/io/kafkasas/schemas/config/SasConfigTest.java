package io.kafkasas.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SasConfigTest {

    private static final ConfigDef DEFINITION = SasConfig.define(new ConfigDef());

    @Test
    void shouldLetEnvironmentVariablesOverrideTheFileAndPassKafkaPropertiesThroughUntouched(@TempDir Path dir)
        throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "topic.prefix=file.\nqueues=a,b\nkafka.bootstrap.servers=file:9092\n"
            + "kafka.sasl.jaas.config=secret stuff\n");

        Map<String, String> settings = ConfigSource.load(file, Map.of(
            "SAS_TOPIC_PREFIX", "env.", "SAS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "PATH", "/usr/bin"));
        SasConfig config = new SasConfig(DEFINITION, settings);

        assertThat(config.topicNames().taskRequests()).isEqualTo("env.task-requests");
        assertThat(config.topicNames().all()).contains("env.tasks.a", "env.tasks.b");
        assertThat(config.kafkaProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "bootstrap.servers", "file:9092", "security.protocol", "SASL_SSL", "sasl.jaas.config", "secret stuff"));
        assertThat(config.describe()).contains("security.protocol = SASL_SSL").doesNotContain("secret stuff");
    }

    @Test
    void shouldReportEveryProblemAtOnceNamingKeyAndVariable() {
        Map<String, String> settings = Map.of("topic.prefix", "bad prefix!", SchemaRegistryConfig.MAX_RETRIES, "-4",
            SchemaRegistryConfig.REQUEST_TIMEOUT_MS, "soon");

        assertThatThrownBy(() -> SasConfig.validate(DEFINITION, settings))
            .isInstanceOfSatisfying(ConfigProblemsException.class, e -> assertThat(e.problems()).hasSize(3))
            .hasMessageContaining("topic.prefix (SAS_TOPIC_PREFIX)")
            .hasMessageContaining("schema.registry.max.retries (SAS_SCHEMA_REGISTRY_MAX_RETRIES)")
            .hasMessageContaining("schema.registry.request.timeout.ms");
    }

    @Test
    void shouldMapEnvironmentNamesAndKeysBothWays() {
        for (String key : List.of("schema.registry.url", "kafka.bootstrap.servers", "topic.prefix")) {
            assertThat(ConfigSource.keyOf(ConfigSource.envNameOf(key))).isEqualTo(key);
        }
    }
}
