package io.kafkasas.scheduler;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.serde.DeadLetters;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dead letters of the record a scheduler processor is handling: its bytes, where it was read, and why. */
public final class SourceLetters {

    private static final Logger LOG = LoggerFactory.getLogger(SourceLetters.class);

    private SourceLetters() {
    }

    /** Sends the record being processed, {@code record} (raw bytes), to {@code sink} as a dead letter. */
    public static void send(ProcessorContext<Object, Object> context, Record<Object, Object> record,
                            DeadLetterReason reason, String message, String sink, Instant now) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        LOG.warn("Dead-lettering a record at {}-{}@{}: {}", source.topic(), source.partition(), source.offset(),
            message);
        DeadLetter letter = DeadLetters.build(DeadLetters.of(reason, message, source.topic(), source.partition(),
            source.offset(), (byte[]) record.key(), (byte[]) record.value(), record.headers()),
            Wire.PRODUCED_BY_SCHEDULER, now);
        context.forward(new Record<>(record.key(), letter, now.toEpochMilli()), sink);
    }
}
