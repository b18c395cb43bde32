package io.kafkasas.schemas.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Remembers what never changes in a registry - the schema of an id, the id of a schema under a subject - so a
 * serde makes one registry call per schema, not per record. Everything else goes to the delegate.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Map<Integer, Schema> schemasById;
    private final Map<String, Integer> registeredIds;
    private final Map<String, RegisteredSchema> lookups;

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, int capacity) {
        this.delegate = delegate;
        this.schemasById = lru(capacity);
        this.registeredIds = lru(capacity);
        this.lookups = lru(capacity);
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    private static String key(String subject, Schema schema) {
        return subject + '\u0000' + schema.toString();
    }

    // a synchronized map's computeIfAbsent holds its lock during the call: registry calls for a new schema are
    // serialised, which is rare and keeps one call per schema even when many threads ask at once

    @Override
    public int register(String subject, Schema schema) {
        int id = registeredIds.computeIfAbsent(key(subject, schema), k -> delegate.register(subject, schema));
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, delegate::schemaById);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return lookups.computeIfAbsent(key(subject, schema), k -> delegate.lookup(subject, schema));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return delegate.latest(subject);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        return delegate.testCompatibility(subject, schema);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return delegate.compatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
