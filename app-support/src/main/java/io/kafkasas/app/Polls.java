package io.kafkasas.app;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code poll} for readers that only watch a topic (the bench, chaos, the local stack's progress): a record their
 * deserializer cannot read is logged and passed over, instead of stopping the reader at it for good. The apps'
 * own readers dead-letter such records instead; a watcher leaves that to them.
 */
public final class Polls {

    private static final Logger LOG = LoggerFactory.getLogger(Polls.class);

    private Polls() {
    }

    /** The next records, past any that cannot be deserialized; empty when the next one could not be. */
    public static <K, V> ConsumerRecords<K, V> skippingUndecodable(Consumer<K, V> consumer, Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (RecordDeserializationException e) {
            // the records before it were handed out by the poll before this one: nothing else is passed over
            LOG.warn("Passing over {}-{}@{}, which cannot be read: {}", e.topicPartition().topic(),
                e.topicPartition().partition(), e.offset(), e.getCause() != null ? e.getCause().getMessage()
                    : e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }
}
