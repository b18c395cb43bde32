package io.kafkasas.schemas.registry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * Remembers what never changes in a registry - the schema of an id, the id of a schema under a subject - so a
 * serde makes one registry call per schema, not per record. Everything else goes to the delegate.
 *
 * <p>Only answers are cached, never failures, so the maps grow with the schemas that really exist. No lock is
 * held during a registry call: two threads that miss at once both ask, and get the same answer.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> registeredIds = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> lookups = new ConcurrentHashMap<>();

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    private static String key(String subject, Schema schema) {
        return subject + '\u0000' + schema.toString();
    }

    private static <K, V> V cached(Map<K, V> cache, K key, Supplier<V> load) {
        V value = cache.get(key);
        if (value == null) {
            value = load.get();
            cache.putIfAbsent(key, value);
        }
        return value;
    }

    @Override
    public int register(String subject, Schema schema) {
        int id = cached(registeredIds, key(subject, schema), () -> delegate.register(subject, schema));
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        return cached(schemasById, id, () -> delegate.schemaById(id));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return cached(lookups, key(subject, schema), () -> delegate.lookup(subject, schema));
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
