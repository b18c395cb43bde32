package io.kafkasas.schemas.serde;

import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records into the specific class {@code T}, resolving the writer's schema (from
 * the registry, by the id in the record) against {@code T}'s schema - which is how a reader on a newer schema
 * reads records written with an older one.
 *
 * <p>Poison input raises {@link UndecodableRecordException}: bytes not in the wire format, a schema id the registry
 * does not have (any "not found", or an id that cannot exist), bytes that do not match their schema. A registry that
 * cannot answer now raises a retriable {@link SchemaRegistryException} ({@link SchemaRegistryException#isOutage}).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.readerSchema = Contracts.model().getSchema(type);
        this.registry = registry;
    }

    public AvroDeserializer(Class<T> type) {
        this(type, null);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.create(configs);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_SIZE || data[0] != WireFormat.MAGIC_BYTE) {
            throw new UndecodableRecordException(DeadLetterReason.UNDECODABLE, topic, data, "Not in the Confluent "
                + "wire format (" + data.length + " bytes, first byte " + (data.length == 0 ? "none" : data[0])
                + "; expected magic byte 0 and a 4-byte schema id) - was it written without the Avro serializer?",
                null);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        SpecificDatumReader<T> reader = readerFor(topic, id, data);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, null);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IllegalStateException("trailing bytes after the record");
            }
            return value;
        } catch (Exception e) {
            throw new UndecodableRecordException(DeadLetterReason.UNDECODABLE, topic, data, "Cannot decode "
                + type.getSimpleName() + " written with schema id " + id + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(String topic, int id, byte[] data) {
        SpecificDatumReader<T> reader = readersByWriterId.get(id);
        if (reader == null) {
            Schema writer;
            try {
                writer = registry.schemaById(id);
            } catch (SchemaRegistryException e) {
                if (e.isRetriable()) {
                    throw e;
                }
                throw new UndecodableRecordException(DeadLetterReason.UNKNOWN_SCHEMA, topic, data, "Schema id " + id
                    + " is not in the schema registry - written against another registry? (" + e.getMessage() + ")",
                    e);
            }
            reader = new SpecificDatumReader<>(writer, readerSchema, Contracts.model());
            readersByWriterId.put(id, reader);
        }
        return reader;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
