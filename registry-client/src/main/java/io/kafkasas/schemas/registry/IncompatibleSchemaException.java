package io.kafkasas.schemas.registry;

import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;

/** The schema breaks the subject's compatibility level (409); the message says how. */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    public IncompatibleSchemaException(String message) {
        super(409, ErrorCodes.INCOMPATIBLE_SCHEMA, message);
    }
}
