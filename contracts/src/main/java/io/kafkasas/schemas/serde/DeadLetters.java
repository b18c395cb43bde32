package io.kafkasas.schemas.serde;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.Contracts;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Dead letters for records that were read but cannot be processed, with everything needed to replay them. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** A dead letter for the record at {@code topic}-{@code partition}@{@code offset}, kept byte for byte. */
    public static DeadLetter.Builder of(DeadLetterReason reason, String message, String topic, int partition,
                                        long offset, byte[] key, byte[] value, Headers headers) {
        Contracts.trust();
        return DeadLetter.newBuilder().setReason(reason).setMessage(message).setSourceTopic(topic)
            .setSourcePartition(partition).setSourceOffset(offset)
            .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
            .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
            .setOriginalHeaders(copy(headers));
    }

    /** A dead letter written by {@code producedBy} at {@code now}. */
    public static DeadLetter build(DeadLetter.Builder builder, String producedBy, Instant now) {
        return builder.setProducedBy(producedBy).setTimestamp(now).build();
    }

    /** The bytes of a kept key, value or header (null stays null); {@code buffer} is left as it was. */
    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    static Map<String, ByteBuffer> copy(Headers headers) {
        Map<String, ByteBuffer> copy = new LinkedHashMap<>();
        if (headers != null) {
            for (Header header : headers) {
                copy.put(header.key(), ByteBuffer.wrap(header.value() == null ? new byte[0] : header.value()));
            }
        }
        return copy;
    }
}
