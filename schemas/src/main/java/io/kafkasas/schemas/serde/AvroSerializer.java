package io.kafkasas.schemas.serde;

import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (specific, or generic ones for tools and tests) in the Confluent wire format,
 * registering the record's schema under
 * {@code <topic>-value} (or {@code -key}) on first use - or, with auto-registration off, looking it up.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    static {
        Contracts.trust();
    }

    private SchemaRegistryClient registry;
    private boolean autoRegister;
    private boolean isKey;
    private Schema schema;
    private SpecificDatumWriter<T> writer;

    /** For Kafka to create by class name; {@link #configure} then reads {@code schema.registry.*}. */
    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SchemaRegistryConfig config = new SchemaRegistryConfig(configs);
        this.registry = SchemaRegistryClients.create(config);
        this.autoRegister = config.autoRegister();
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null; // a tombstone stays a tombstone
        }
        String subject = WireFormat.subject(topic, isKey);
        int id = autoRegister ? registry.register(subject, record.getSchema())
            : registry.lookup(subject, record.getSchema()).id();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put(WireFormat.MAGIC_BYTE).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(record).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + record.getSchema().getFullName() + " for topic "
                + topic + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumWriter<T> writerFor(T record) {
        if (writer == null || schema != record.getSchema()) {
            schema = record.getSchema();
            writer = new SpecificDatumWriter<>(schema, Contracts.model());
        }
        return writer;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
