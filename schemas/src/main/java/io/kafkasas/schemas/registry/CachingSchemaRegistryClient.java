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

    @Override
    public int register(String subject, Schema schema) {
        String key = key(subject, schema);
        Integer id = registeredIds.get(key);
        if (id == null) {
            id = delegate.register(subject, schema);
            registeredIds.put(key, id);
            schemasById.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = delegate.schemaById(id);
            schemasById.put(id, schema);
        }
        return schema;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        String key = key(subject, schema);
        RegisteredSchema found = lookups.get(key);
        if (found == null) {
            found = delegate.lookup(subject, schema);
            lookups.put(key, found);
        }
        return found;
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
