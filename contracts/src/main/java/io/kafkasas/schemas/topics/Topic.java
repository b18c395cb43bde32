package io.kafkasas.schemas.topics;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values: the only way apps learn how a topic is encoded. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
