package io.kafkasas.schemas.registry;

/**
 * The registry refused the credentials (401) or the operation (403): check the basic-auth user info. Retriable: a
 * credential is fixed without touching the records, so a record that cannot be decoded because of it waits.
 */
public final class RegistryAccessDeniedException extends SchemaRegistryException {

    public RegistryAccessDeniedException(int httpStatus, int errorCode, String message) {
        super(httpStatus, errorCode, message);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
