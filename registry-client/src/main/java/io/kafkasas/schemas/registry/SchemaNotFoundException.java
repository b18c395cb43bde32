package io.kafkasas.schemas.registry;

import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;

/** No schema with that id, or the schema is not registered under that subject (40403). */
public final class SchemaNotFoundException extends SchemaRegistryException {

    public SchemaNotFoundException(String message) {
        super(404, ErrorCodes.SCHEMA_NOT_FOUND, message);
    }
}
