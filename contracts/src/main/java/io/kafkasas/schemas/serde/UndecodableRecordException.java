package io.kafkasas.schemas.serde;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;

/**
 * A record that can never be decoded: not in the wire format, written with a schema id the registry does not
 * know, or bytes that do not match their schema. Poison, in other words: the caller routes it to dead letters
 * ({@link #toDeadLetter}) and moves on. It carries the topic, and - once the caller knows them - partition,
 * offset, key, value and headers ({@link #at}); -1 stands for "not known".
 *
 * <p>A registry that cannot answer now is not poison: that raises a retriable
 * {@link io.kafkasas.schemas.registry.SchemaRegistryException} instead, so good records are not dead-lettered
 * during an outage.
 */
public final class UndecodableRecordException extends SerializationException {

    private final DeadLetterReason reason;
    private final String topic;
    private final int partition;
    private final long offset;
    private final byte[] key;
    private final byte[] value;
    private final Map<String, ByteBuffer> headers;

    public UndecodableRecordException(DeadLetterReason reason, String topic, byte[] value, String message,
                                      Throwable cause) {
        this(reason, topic, -1, -1, null, value, Map.of(), message, cause);
    }

    private UndecodableRecordException(DeadLetterReason reason, String topic, int partition, long offset, byte[] key,
                                       byte[] value, Map<String, ByteBuffer> headers, String message,
                                       Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    /** The same failure, placed at the record it came from. */
    public UndecodableRecordException at(int partition, long offset, byte[] key, byte[] value, Headers headers) {
        return new UndecodableRecordException(reason, topic, partition, offset, key, value == null ? this.value : value,
            DeadLetters.copy(headers), getMessage(), getCause());
    }

    /** The same failure, placed at {@code record}. */
    public UndecodableRecordException at(ConsumerRecord<byte[], byte[]> record) {
        return at(record.partition(), record.offset(), record.key(), record.value(), record.headers());
    }

    /**
     * What a consumer's {@code poll()} threw when a value (or key) deserializer failed, as an
     * {@code UndecodableRecordException} with its position; the caller then seeks past {@link #offset()}.
     */
    public static UndecodableRecordException from(RecordDeserializationException e) {
        UndecodableRecordException base = e.getCause() instanceof UndecodableRecordException u ? u
            : new UndecodableRecordException(DeadLetterReason.UNDECODABLE, e.topicPartition().topic(), null,
                "Cannot deserialize: " + e.getMessage(), e);
        return base.at(e.topicPartition().partition(), e.offset(), DeadLetters.bytes(e.keyBuffer()),
            DeadLetters.bytes(e.valueBuffer()), e.headers());
    }

    /** The dead letter for this record, written by {@code producedBy} at {@code now}. */
    public DeadLetter toDeadLetter(String producedBy, Instant now) {
        DeadLetter.Builder letter = DeadLetters.of(reason, getMessage(), topic, partition, offset, key, value, null)
            .setOriginalHeaders(headers);
        return DeadLetters.build(letter, producedBy, now);
    }

    public DeadLetterReason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public byte[] key() {
        return key;
    }

    public byte[] value() {
        return value;
    }
}
