package io.kafkasas.schemas.registry;

/**
 * A schema-registry call failed. Carries the HTTP status and the registry's error code as documented for
 * the Confluent REST API (e.g. 40401, 409, 42201, 50001), so callers can tell a missing subject from an
 * incompatible schema from an outage. {@link #isRetriable()} tells whether trying again can help.
 */
public class SchemaRegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** Whether the same call may succeed later (an outage, not a wrong request). */
    public boolean isRetriable() {
        return false;
    }

    /**
     * Whether {@code failure} (or a cause of it) is a registry that cannot answer now: the record it was reading is
     * not poison, so it is read again later rather than dead-lettered.
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException e && e.isRetriable()) {
                return true;
            }
        }
        return false;
    }

    /** The error codes of the Confluent Schema Registry REST API. */
    public static final class ErrorCodes {
        public static final int SUBJECT_NOT_FOUND = 40401;
        public static final int VERSION_NOT_FOUND = 40402;
        public static final int SCHEMA_NOT_FOUND = 40403;
        public static final int SUBJECT_LEVEL_NOT_CONFIGURED = 40408;
        public static final int INCOMPATIBLE_SCHEMA = 409;
        public static final int INVALID_SCHEMA = 42201;
        public static final int INVALID_VERSION = 42202;
        public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
        public static final int BACKEND_STORE_ERROR = 50001;
        public static final int OPERATION_TIMEOUT = 50002;
        public static final int FORWARDING_ERROR = 50003;

        private ErrorCodes() {
        }
    }
}
