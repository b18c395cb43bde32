package io.kafkasas.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.RegisteredSchema;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final String URL = "mock://avro-serde-test";
    private final SchemaRegistryClient registry = InMemorySchemaRegistry.forMockUrl(URL);
    private final AvroSerdes serdes = new AvroSerdes(registry, true);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(URL);
    }

    @Test
    void shouldRoundTripEveryContractInTheConfluentWireFormat() {
        for (SpecificRecord sample : ContractSamples.all()) {
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) sample.getClass();
            Serde<SpecificRecord> serde = serdes.forValues(type);
            String topic = "topic-" + type.getSimpleName();

            byte[] bytes = serde.serializer().serialize(topic, sample);

            RegisteredSchema registered = registry.latest(topic + "-value");
            assertThat(bytes[0]).isZero();
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registered.id());
            assertThat(registered.schema()).isEqualTo(sample.getSchema());
            SpecificRecord decoded = serde.deserializer().deserialize(topic, bytes);
            // sample.equals(decoded), not the reverse: a decoded array is Avro's GenericData.Array, whose
            // equals compares through the generic model, which knows no logical types
            assertThat(sample.equals(decoded)).as("%s after a round trip", type.getSimpleName()).isTrue();
            assertThat(decoded.toString()).isEqualTo(sample.toString());
        }
    }

    @Test
    void shouldBeConfigurableByClassNameFromKafkaProperties() {
        AvroSerializer<TaskEvent> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(SchemaRegistryConfig.URL, URL), false);
        AvroDeserializer<TaskEvent> deserializer = new AvroDeserializer<>(TaskEvent.class);
        deserializer.configure(Map.of(SchemaRegistryConfig.URL, URL), false);

        byte[] bytes = serializer.serialize("tasks", ContractSamples.taskEvent());

        assertThat(deserializer.deserialize("tasks", bytes)).isEqualTo(ContractSamples.taskEvent());
    }

    @Test
    void shouldAskTheRegistryOncePerTopicNotPerRecord() {
        AtomicInteger calls = new AtomicInteger();
        SchemaRegistryClient counting = (SchemaRegistryClient) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                calls.incrementAndGet();
                return method.invoke(registry, args);
            });
        AvroSerializer<TaskEvent> serializer = new AvroSerializer<>(counting, true, false);

        for (int i = 0; i < 1000; i++) {
            byte[] bytes = serializer.serialize(i % 2 == 0 ? "a" : "b", ContractSamples.taskEvent());
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registry.latest("a-value").id());
        }

        assertThat(calls).hasValue(2);
    }

    @Test
    void shouldKeepTombstonesAsNull() {
        Serde<TaskEvent> serde = serdes.forValues(TaskEvent.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldCallRandomBytesUndecodableWithTheirTopic() {
        byte[] garbage = new byte[64];
        new Random(7).nextBytes(garbage);
        garbage[0] = 42;

        assertThatThrownBy(() -> serdes.forValues(TaskEvent.class).deserializer().deserialize("sas.tasks", garbage))
            .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                assertThat(e.topic()).isEqualTo("sas.tasks");
                assertThat(e.value()).isEqualTo(garbage);
                assertThat(e.getMessage()).contains("magic byte");
            });
    }

    @Test
    void shouldCallAnUnknownSchemaIdUnknownSchema() {
        byte[] bytes = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(1).array();

        assertThatThrownBy(() -> serdes.forValues(TaskEvent.class).deserializer().deserialize("sas.tasks", bytes))
            .isInstanceOfSatisfying(UndecodableRecordException.class,
                e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
    }

    @Test
    void shouldCallTruncatedAvroUndecodable() {
        Serde<TaskEvent> serde = serdes.forValues(TaskEvent.class);
        byte[] whole = serde.serializer().serialize("sas.tasks", ContractSamples.taskEvent());
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> serde.deserializer().deserialize("sas.tasks", truncated))
            .isInstanceOfSatisfying(UndecodableRecordException.class,
                e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNDECODABLE));
    }

    @Test
    void shouldTurnAnUndecodableRecordIntoADeadLetterThatKeepsTheOriginalBytesAndPosition() {
        byte[] garbage = {1, 2, 3};
        UndecodableRecordException failure = new UndecodableRecordException(DeadLetterReason.UNDECODABLE, "sas.tasks",
            garbage, "bad", null).at(4, 77L, new byte[] {9}, garbage, null);

        DeadLetter letter = failure.toDeadLetter("agent", Instant.EPOCH);

        assertThat(letter.getSourceTopic()).isEqualTo("sas.tasks");
        assertThat(letter.getSourcePartition()).isEqualTo(4);
        assertThat(letter.getSourceOffset()).isEqualTo(77L);
        assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(garbage));
        assertThat(letter.getOriginalKey()).isEqualTo(ByteBuffer.wrap(new byte[] {9}));
        assertThat(serdes.forValues(DeadLetter.class).deserializer().deserialize("dl",
            serdes.forValues(DeadLetter.class).serializer().serialize("dl", letter))).isEqualTo(letter);
    }
}
