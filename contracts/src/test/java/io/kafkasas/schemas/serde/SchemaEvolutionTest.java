package io.kafkasas.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.CompatibilityLevel;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.IncompatibleSchemaException;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rule the registry enforces: a reader on the newer schema reads records written with the older one, and
 * a change that would break that is refused. "v2" is the TaskRequest of today; "v1" is the same record without
 * its {@code headers} field (an optional field with a default).
 */
class SchemaEvolutionTest {

    private static final String URL = "mock://schema-evolution-test";
    private static final String TOPIC = "sas.task-requests";
    private static final String SUBJECT = TOPIC + "-value";
    private final SchemaRegistryClient registry = InMemorySchemaRegistry.forMockUrl(URL);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(URL);
    }

    @Test
    void shouldReadRecordsWrittenWithV1UsingTheV2Reader() {
        Schema v1 = withoutField(TaskRequest.getClassSchema(), "headers");
        GenericRecord written = new GenericData.Record(v1);
        written.put("type", "noop");
        written.put("queue", "default");
        written.put("payload", ContractSamples.bytes("{}"));
        written.put("priority", 3);
        written.put("submittedAt", ContractSamples.NOW.toEpochMilli());
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, true, false).serialize(TOPIC, written);

        TaskRequest read = new AvroDeserializer<>(TaskRequest.class, registry).deserialize(TOPIC, bytes);

        assertThat(read.getType()).isEqualTo("noop");
        assertThat(read.getPriority()).isEqualTo(3);
        assertThat(read.getSubmittedAt()).isEqualTo(ContractSamples.NOW);
        assertThat(read.getHeaders()).isEqualTo(Map.of()); // the v2 default fills the field v1 did not have
        assertThat(registry.register(SUBJECT, TaskRequest.getClassSchema())).as("v2 is BACKWARD compatible")
            .isPositive();
        assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseAFieldWithoutDefaultUnderBackwardCompatibilityWithAMessageThatSaysWhy() {
        registry.register(SUBJECT, TaskRequest.getClassSchema());
        Schema v3 = withExtraField(TaskRequest.getClassSchema(), "tenant");

        assertThat(registry.compatibility(SUBJECT)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.testCompatibility(SUBJECT, v3).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register(SUBJECT, v3))
            .isInstanceOf(IncompatibleSchemaException.class)
            .hasMessageContaining("incompatible")
            .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
            .hasMessageContaining("tenant")
            .hasMessageContaining("give the new field a default value");
        assertThat(registry.versions(SUBJECT)).containsExactly(1);
    }

    @Test
    void shouldAcceptTheSameChangeWhenTheSubjectIsSetToNone() {
        registry.register(SUBJECT, TaskRequest.getClassSchema());
        registry.setCompatibility(SUBJECT, CompatibilityLevel.NONE);

        registry.register(SUBJECT, withExtraField(TaskRequest.getClassSchema(), "tenant"));

        assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    }

    static Schema withoutField(Schema schema, String field) {
        ObjectNode json = json(schema);
        ArrayNode fields = (ArrayNode) json.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (field.equals(fields.get(i).get("name").asText())) {
                fields.remove(i);
            }
        }
        return new Schema.Parser().parse(json.toString());
    }

    static Schema withExtraField(Schema schema, String field) {
        ObjectNode json = json(schema);
        ((ArrayNode) json.get("fields")).addObject().put("name", field).put("type", "string");
        return new Schema.Parser().parse(json.toString());
    }

    private static ObjectNode json(Schema schema) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(schema.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
