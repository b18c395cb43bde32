package io.kafkasas.schemas.registry;

import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;

/** The compatibility level named is not one the registry knows (42203). */
public final class InvalidCompatibilityLevelException extends SchemaRegistryException {

    public InvalidCompatibilityLevelException(String message) {
        super(422, ErrorCodes.INVALID_COMPATIBILITY_LEVEL, message);
    }
}
