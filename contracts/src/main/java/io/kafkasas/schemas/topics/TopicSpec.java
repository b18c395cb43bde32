package io.kafkasas.schemas.topics;

import java.util.Map;

/** How one topic should be: partitions, replication factor, and the configs we set (others stay default). */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }
}
