package io.kafkasas.schemas.registry;

/** The subject, or the version asked for under it, does not exist (40401, 40402, 40408). */
public final class SubjectNotFoundException extends SchemaRegistryException {

    public SubjectNotFoundException(int errorCode, String message) {
        super(404, errorCode, message);
    }
}
