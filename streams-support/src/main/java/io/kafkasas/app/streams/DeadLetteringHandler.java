package io.kafkasas.app.streams;

import io.kafkasas.app.DeadLetterSink;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.registry.SchemaRegistryException;
import io.kafkasas.schemas.serde.DeadLetters;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.serde.UnprocessableRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Streams app does with an input record it cannot decode or cannot process: a dead letter with the reason,
 * the source topic, partition and offset and the original bytes, then on with the next record, so that one poison
 * record never stops a partition. In a stream thread the letter is written in the same transaction as the offsets
 * that pass the record; the global thread has no transaction, and its letters go through the sink's own producer.
 *
 * <p>Not poison, so the thread fails (and is replaced, reading the record again): a schema registry that cannot
 * answer now, and Kafka's and Streams' own failures (a state store, a fenced producer), which are not the record's.
 * A punctuator's failure has no record: it is logged, and the punctuator runs again at its next tick.
 */
public final class DeadLetteringHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringHandler.class);
    private static final String SINK = "sas.dead.letters.sink";

    private DeadLetterSink sink;

    /** Makes the Streams app configured by {@code props} dead-letter every record it cannot decode or process. */
    public static void install(Properties props, DeadLetterSink sink) {
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.put(SINK, sink);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        sink = (DeadLetterSink) Objects.requireNonNull(configs.get(SINK), SINK + " is not set: use install()");
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                               ConsumerRecord<byte[], byte[]> record,
                                                               Exception exception) {
        if (SchemaRegistryException.isOutage(exception)) {
            LOG.warn("Cannot decode {}-{}@{} now: {}; the thread restarts and reads it again", record.topic(),
                record.partition(), record.offset(), exception.getMessage());
            return DeserializationExceptionHandler.Response.fail();
        }
        UndecodableRecordException undecodable = exception instanceof UndecodableRecordException u ? u.at(record)
            : new UndecodableRecordException(DeadLetterReason.UNDECODABLE, record.topic(), record.value(),
                "Cannot deserialize: " + exception, exception).at(record);
        return DeserializationExceptionHandler.Response.resume(
            deliver(context, record.key(), undecodable.toDeadLetter(sink.producedBy(), Instant.now())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        if (context.topic() == null) {
            LOG.error("Punctuation in {} failed; it runs again at its next tick", context.processorNodeId(),
                exception);
            return ProcessingExceptionHandler.Response.resume();
        }
        if (SchemaRegistryException.isOutage(exception) || isInfrastructure(exception)) {
            LOG.warn("Processing {}-{}@{} failed, not because of the record: {}; the thread restarts and reads it"
                + " again", context.topic(), context.partition(), context.offset(), exception.toString());
            return ProcessingExceptionHandler.Response.fail();
        }
        DeadLetterReason reason = exception instanceof UnprocessableRecordException u ? u.reason()
            : exception instanceof UndecodableRecordException u ? u.reason() : DeadLetterReason.UNPROCESSABLE;
        String message = exception instanceof SerializationException ? exception.getMessage()
            : "Processing in " + context.processorNodeId() + " failed: " + exception;
        DeadLetter letter = DeadLetters.build(DeadLetters.of(reason, message, context.topic(), context.partition(),
            context.offset(), context.sourceRawKey(), context.sourceRawValue(), context.headers()),
            sink.producedBy(), Instant.now());
        if (!(exception instanceof SerializationException)) {
            LOG.warn("Stack of the failure at {}-{}@{}", context.topic(), context.partition(), context.offset(),
                exception);
        }
        return ProcessingExceptionHandler.Response.resume(deliver(context, context.sourceRawKey(), letter));
    }

    /** Kafka's and Streams' own failures; {@link SerializationException} is the record's. */
    private static boolean isInfrastructure(Exception exception) {
        return exception instanceof KafkaException && !(exception instanceof SerializationException);
    }

    private List<ProducerRecord<byte[], byte[]>> deliver(ErrorHandlerContext context, byte[] key, DeadLetter letter) {
        LOG.warn("Dead-lettering {}-{}@{} ({}): {}", letter.getSourceTopic(), letter.getSourcePartition(),
            letter.getSourceOffset(), letter.getReason(), letter.getMessage());
        if (context.taskId().subtopology() < 0) { // the global thread: no record collector to send with
            sink.sendNow(key, letter);
            return List.of();
        }
        return List.of(sink.record(key, letter));
    }
}
