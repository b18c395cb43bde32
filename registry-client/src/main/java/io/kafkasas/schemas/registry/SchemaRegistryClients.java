package io.kafkasas.schemas.registry;

import java.util.Map;

/** Picks the client a URL asks for: in-memory for {@code mock://scope}, else REST; both cached. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient create(SchemaRegistryConfig config) {
        SchemaRegistryClient client = config.isMock()
            ? InMemorySchemaRegistry.forMockUrl(config.urls().get(0))
            : new RestSchemaRegistryClient(config);
        return new CachingSchemaRegistryClient(client);
    }

    public static SchemaRegistryClient create(Map<?, ?> configs) {
        return create(new SchemaRegistryConfig(configs));
    }
}
