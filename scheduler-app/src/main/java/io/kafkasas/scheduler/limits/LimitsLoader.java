package io.kafkasas.scheduler.limits;

import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Limit;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.serde.UnprocessableRecordException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every scheduler instance's copy of the limits topic (a global store): a limit replaces the one of its key,
 * a tombstone removes it. A record that does not decode or is not a valid limit under its own key throws, and the
 * app's handler dead-letters it; the limit in force stays.
 */
final class LimitsLoader implements Processor<String, byte[], Void, Void> {

    private final String topic;
    private final Deserializer<Limit> limits;
    private KeyValueStore<String, Limit> store;

    LimitsLoader(String topic, Deserializer<Limit> limits) {
        this.topic = topic;
        this.limits = limits;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(LimitTopology.LIMITS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            throw new UnprocessableRecordException(DeadLetterReason.UNPROCESSABLE, "A record on " + topic
                + " has no key; the key names the limit");
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        store.put(record.key(), RecordChecks.check(topic, record.key(), limits.deserialize(topic, record.value())));
    }
}
