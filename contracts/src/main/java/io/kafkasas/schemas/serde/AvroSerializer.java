package io.kafkasas.schemas.serde;

import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (specific, or generic ones for tools and tests) in the Confluent wire format, registering
 * the record's schema under {@code <topic>-value} (or {@code -key}) on first use - or, with auto-registration
 * off, looking it up. The schema id is remembered per topic, so a record costs no registry work and no
 * schema-to-JSON rendering; safe for a producer's many sending threads.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    /** What writing records of one schema needs: its writer and its id under each topic's subject. */
    private record Encoding<T>(Schema schema, SpecificDatumWriter<T> writer, Map<String, Integer> idsByTopic) {
    }

    private SchemaRegistryClient registry;
    private boolean autoRegister;
    private boolean isKey;
    private volatile Encoding<T> encoding;

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
        Encoding<T> current = encodingFor(record.getSchema());
        int id = current.idsByTopic().computeIfAbsent(topic, t -> schemaId(t, current.schema()));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put(WireFormat.MAGIC_BYTE).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            current.writer().write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + record.getSchema().getFullName() + " for topic "
                + topic + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = WireFormat.subject(topic, isKey);
        return autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
    }

    /** Records of one class share one schema instance, so the identity check almost always hits. */
    private Encoding<T> encodingFor(Schema schema) {
        Encoding<T> current = encoding;
        if (current == null || current.schema() != schema) {
            current = new Encoding<>(schema, new SpecificDatumWriter<>(schema, Contracts.model()),
                new ConcurrentHashMap<>());
            encoding = current;
        }
        return current;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
