package io.kafkasas.handler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TaskContext} for a handler's unit tests: a payload, a cancel switch, and the progress it reported.
 * Attempt 1 of task {@code "t"}, no deadline and no headers unless set.
 */
public final class StubTaskContext implements TaskContext {

    /** One {@link TaskContext#progress} report. */
    public record Progress(int percent, String message) {
    }

    private final String type;
    private final byte[] payload;
    private final String contentType;
    private final Instant deadline;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final CountDownLatch listening = new CountDownLatch(1);
    private final List<Runnable> onCancel = new ArrayList<>();
    private final List<Progress> progress = new ArrayList<>();

    public StubTaskContext(String type, byte[] payload, String contentType, Instant deadline) {
        this.type = type;
        this.payload = payload.clone();
        this.contentType = contentType;
        this.deadline = deadline;
    }

    /** A task of {@code type} whose payload is the JSON text {@code json}. */
    public static StubTaskContext json(String type, String json) {
        return new StubTaskContext(type, json.getBytes(StandardCharsets.UTF_8), "application/json", null);
    }

    /** Cancels the attempt, as the agent does on a cancel request or at the deadline. */
    public synchronized void cancel() {
        cancelled.countDown();
        onCancel.forEach(Runnable::run);
    }

    /** Waits until the handler has called {@link #onCancel}; true if it did within {@code timeout}. */
    public boolean awaitCancelListener(Duration timeout) throws InterruptedException {
        return listening.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The progress reported so far, oldest first. */
    public synchronized List<Progress> reportedProgress() {
        return List.copyOf(progress);
    }

    @Override
    public String taskId() {
        return "t";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of();
    }

    @Override
    public synchronized void progress(int percent, String message) {
        progress.add(new Progress(percent, message));
    }

    @Override
    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    @Override
    public synchronized void onCancel(Runnable action) {
        if (isCancelled()) {
            action.run();
        } else {
            onCancel.add(action);
        }
        listening.countDown();
    }

    @Override
    public boolean awaitCancellation(Duration timeout) throws InterruptedException {
        return cancelled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
