package io.kafkasas.schemas.registry;

/**
 * The registry could not be reached or failed on its side (5xx, 50001-50003, time-out, connection refused)
 * after the configured retries. Retriable: a record that fails to decode because of this is not poison and
 * must not be dead-lettered.
 */
public final class RegistryUnavailableException extends SchemaRegistryException {

    public RegistryUnavailableException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(httpStatus, errorCode, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
