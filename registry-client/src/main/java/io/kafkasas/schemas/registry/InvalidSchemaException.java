package io.kafkasas.schemas.registry;

/** The schema or the version given is not valid (42201, 42202). */
public final class InvalidSchemaException extends SchemaRegistryException {

    public InvalidSchemaException(int errorCode, String message) {
        super(422, errorCode, message);
    }
}
