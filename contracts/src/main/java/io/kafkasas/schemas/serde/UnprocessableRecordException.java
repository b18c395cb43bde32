package io.kafkasas.schemas.serde;

import io.kafkasas.avro.DeadLetterReason;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that decodes but can never be processed: a tombstone where a value is needed, a key that does not
 * match its value, a field no writer of ours would write. Like an undecodable record it is poison: the reader
 * dead-letters it with this message and moves on.
 */
public final class UnprocessableRecordException extends SerializationException {

    private final DeadLetterReason reason;

    public UnprocessableRecordException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
