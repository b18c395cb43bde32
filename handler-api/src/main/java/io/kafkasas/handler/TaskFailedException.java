package io.kafkasas.handler;

/** A failed attempt with a machine-readable error type and whether another attempt might succeed. */
public class TaskFailedException extends Exception {

    private final String type;
    private final boolean retryable;
    private final String detail;

    public TaskFailedException(String type, String message, boolean retryable) {
        this(type, message, retryable, null);
    }

    public TaskFailedException(String type, String message, boolean retryable, String detail) {
        super(message);
        this.type = type;
        this.retryable = retryable;
        this.detail = detail;
    }

    public String type() {
        return type;
    }

    public boolean retryable() {
        return retryable;
    }

    /** More to read (the tail of stderr, a response body), or null. */
    public String detail() {
        return detail;
    }
}
