package io.kafkasas.handler;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** What a handler knows about the attempt it runs, and how it reports progress and learns of cancellation. */
public interface TaskContext {

    String taskId();

    int attempt();

    String type();

    byte[] payload();

    /** The payload's media type, or null. */
    String contentType();

    /** When this attempt must end (the earlier of execution timeout and task deadline); null for no limit. */
    Instant deadline();

    Map<String, String> headers();

    /** Publishes a PROGRESS status (0-100) with an optional message. */
    void progress(int percent, String message);

    boolean isCancelled();

    /** Runs {@code action} when the attempt is cancelled (at once if it already is). */
    void onCancel(Runnable action);

    /** Waits up to {@code timeout} for cancellation; true if cancelled. A cancellable replacement for sleeping. */
    boolean awaitCancellation(Duration timeout) throws InterruptedException;
}
