package io.kafkasas.app;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.schemas.registry.RegistryUnavailableException;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Streams app does with an input record it cannot decode: a dead letter with the reason and the original
 * bytes, then on with the next record, so that one poison record never stops a partition. Streams writes the dead
 * letter in the same transaction as the offsets that pass the record. A schema registry that cannot be reached is
 * not poison: the thread fails, is replaced, and reads the record again.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private static final String TOPIC = "sas.dead.letters.topic";
    private static final String SERIALIZER = "sas.dead.letters.serializer";
    private static final String PRODUCED_BY = "sas.dead.letters.produced.by";

    private String topic;
    private Serializer<DeadLetter> serializer;
    private String producedBy;

    /** Makes the Streams app configured by {@code props} dead-letter what it cannot decode to {@code topic}. */
    public static void install(Properties props, String topic, Serializer<DeadLetter> serializer, String producedBy) {
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterDeserializationHandler.class);
        props.put(TOPIC, topic);
        props.put(SERIALIZER, serializer);
        props.put(PRODUCED_BY, producedBy);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        topic = (String) Objects.requireNonNull(configs.get(TOPIC), TOPIC + " is not set: use install()");
        serializer = (Serializer<DeadLetter>) Objects.requireNonNull(configs.get(SERIALIZER), SERIALIZER);
        producedBy = String.valueOf(configs.get(PRODUCED_BY));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException) {
                LOG.warn("Cannot decode {}-{}@{} now: {}; the thread restarts and reads it again", record.topic(),
                    record.partition(), record.offset(), t.getMessage());
                return Response.fail();
            }
        }
        UndecodableRecordException undecodable = exception instanceof UndecodableRecordException u ? u.at(record)
            : new UndecodableRecordException(DeadLetterReason.UNDECODABLE, record.topic(), record.value(),
                "Cannot deserialize: " + exception, exception).at(record);
        DeadLetter letter = undecodable.toDeadLetter(producedBy, Instant.now());
        LOG.warn("Dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(),
            letter.getReason(), letter.getMessage());
        return Response.resume(List.of(new ProducerRecord<>(topic, record.key(), serializer.serialize(topic, letter))));
    }
}
