package io.kafkasas.ops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.registry.CompatibilityLevel;
import io.kafkasas.schemas.registry.IncompatibleSchemaException;
import io.kafkasas.schemas.registry.RegisteredSchema;
import io.kafkasas.schemas.registry.RestSchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaNotFoundException;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.registry.SubjectNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST client against the local registry, through real HTTP, and the registry's memory across restarts. */
class LocalSchemaRegistryServerTest {

    @TempDir
    Path dir;

    private static SchemaRegistryClient client(LocalSchemaRegistryServer server) {
        return new RestSchemaRegistryClient(new SchemaRegistryConfig(Map.of(SchemaRegistryConfig.URL, server.url())));
    }

    @Test
    void shouldAnswerTheConfluentApiThatTheClientSpeaks() throws IOException {
        try (LocalSchemaRegistryServer server = LocalSchemaRegistryServer.start(dir.resolve("r.jsonl"), 0)) {
            SchemaRegistryClient client = client(server);
            Schema schema = TaskEvent.getClassSchema();

            int id = client.register("a-value", schema);

            assertThat(client.register("a-value", schema)).as("registering again is idempotent").isEqualTo(id);
            assertThat(client.register("b-value", schema)).as("one id per schema across subjects").isEqualTo(id);
            assertThat(client.schemaById(id)).isEqualTo(schema);
            assertThat(client.lookup("a-value", schema)).isEqualTo(new RegisteredSchema("a-value", 1, id, schema));
            assertThat(client.latest("a-value").version()).isEqualTo(1);
            assertThat(client.subjects()).containsExactly("a-value", "b-value");
            assertThat(client.versions("a-value")).containsExactly(1);
            assertThat(client.compatibility("a-value")).isEqualTo(CompatibilityLevel.BACKWARD);
            assertThat(client.testCompatibility("a-value", TaskStatus.getClassSchema()).compatible()).isFalse();
            assertThatThrownBy(() -> client.register("a-value", TaskStatus.getClassSchema()))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("a-value");
            assertThatThrownBy(() -> client.schemaById(999)).isInstanceOf(SchemaNotFoundException.class);
            assertThatThrownBy(() -> client.latest("nope")).isInstanceOf(SubjectNotFoundException.class)
                .hasMessageContaining("nope");
            assertThatThrownBy(() -> client.lookup("a-value", TaskStatus.getClassSchema()))
                .isInstanceOf(SchemaNotFoundException.class);
        }
    }

    @Test
    void shouldRememberSchemasAndLevelsAfterARestart() throws IOException {
        Path journal = dir.resolve("registry.jsonl");
        int id;
        try (LocalSchemaRegistryServer server = LocalSchemaRegistryServer.start(journal, 0)) {
            SchemaRegistryClient client = client(server);
            client.register("x-value", TaskStatus.getClassSchema());
            id = client.register("y-value", TaskEvent.getClassSchema());
            client.setCompatibility("y-value", CompatibilityLevel.FULL);
            client.setCompatibility(null, CompatibilityLevel.FORWARD);
        }

        try (LocalSchemaRegistryServer server = LocalSchemaRegistryServer.start(journal, 0)) {
            SchemaRegistryClient client = client(server);
            assertThat(client.schemaById(id)).isEqualTo(TaskEvent.getClassSchema());
            assertThat(client.compatibility("y-value")).isEqualTo(CompatibilityLevel.FULL);
            assertThat(client.compatibility("x-value")).isEqualTo(CompatibilityLevel.FORWARD);
            assertThat(client.register("z-value", TaskEvent.getClassSchema())).isEqualTo(id);
        }
    }
}
