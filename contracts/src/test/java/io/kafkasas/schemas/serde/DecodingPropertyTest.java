package io.kafkasas.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.fuzz.Mutator;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A property of every reader's first step: whatever bytes a topic holds (a valid record damaged at random, random
 * bytes, nothing), decoding ends with a record or an {@link UndecodableRecordException} naming the reason, which
 * readers dead-letter. Never another exception, never an error (a claimed length of gigabytes, a stack overflow).
 */
class DecodingPropertyTest {

    private static final String URL = "mock://decoding-property";
    private static final int TRIES_PER_CONTRACT = 3000;
    private final SchemaRegistryClient registry = InMemorySchemaRegistry.forMockUrl(URL);
    private final AvroSerdes serdes = new AvroSerdes(registry, true);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(URL);
    }

    @Test
    void everyMutationOfEveryContractShouldDecodeOrBeRefusedWithAReason() {
        Map<DeadLetterReason, Integer> refusals = new EnumMap<>(DeadLetterReason
            .class);
        int decoded = 0;
        for (SpecificRecord sample : ContractSamples.all()) {
            @SuppressWarnings("unchecked")
            Serde<SpecificRecord> serde = serdes.forValues((Class<SpecificRecord>) sample.getClass());
            String topic = "topic-" + sample.getClass().getSimpleName();
            byte[] valid = serde.serializer().serialize(topic, sample);
            Mutator mutator = new Mutator(topic.hashCode());
            for (int i = 0; i < TRIES_PER_CONTRACT; i++) {
                byte[] bytes = mutator.mutate(valid);
                try {
                    assertThat(serde.deserializer().deserialize(topic, bytes)).isNotNull();
                    decoded++;
                } catch (UndecodableRecordException e) {
                    refusals.merge(e.reason(), 1, Integer::sum);
                }
            }
        }
        // neither property can hold by accident: some damage still decodes, most is refused with a reason
        assertThat(decoded).isPositive();
        assertThat(refusals).containsKeys(DeadLetterReason.UNDECODABLE,
            DeadLetterReason.UNKNOWN_SCHEMA);
    }
}
