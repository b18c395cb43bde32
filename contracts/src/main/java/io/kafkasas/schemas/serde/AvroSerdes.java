package io.kafkasas.schemas.serde;

import io.kafkasas.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Makes wire-format serdes for specific record classes, all sharing one (cached) registry client. */
public final class AvroSerdes {

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;

    public AvroSerdes(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    public <T extends SpecificRecord> Serde<T> forValues(Class<T> type) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry, autoRegister, false),
            new AvroDeserializer<>(type, registry));
    }

    public SchemaRegistryClient registry() {
        return registry;
    }
}
