package io.kafkasas.agent.run;

import io.kafkasas.avro.InFlightTask;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.handler.TaskContext;
import io.kafkasas.schemas.Deadlines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** One attempt this agent runs: the handler's view of it, and how it is stopped. */
final class TaskRun implements TaskContext {

    /** Why a run was stopped before its handler returned, and the status that reports it. */
    enum Stop {
        CANCELLED(TaskStatusType.CANCELLED), TIMED_OUT(TaskStatusType.TIMED_OUT), RELEASED(TaskStatusType.RELEASED);

        final TaskStatusType status;

        Stop(TaskStatusType status) {
            this.status = status;
        }
    }

    private final TaskEvent event;
    private final Instant startedAt;
    private final Instant deadline;
    private final Reporter reporter;
    private final byte[] payload;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final List<Runnable> onCancel = new ArrayList<>();
    private final AtomicBoolean reported = new AtomicBoolean();
    private Stop stop;
    private String stopReason;
    private Thread thread;

    TaskRun(TaskEvent event, Instant startedAt, Reporter reporter) {
        this.event = event;
        this.startedAt = startedAt;
        this.reporter = reporter;
        this.deadline = Deadlines.of(event, startedAt);
        byte[] bytes = new byte[event.getPayload().remaining()];
        event.getPayload().duplicate().get(bytes);
        this.payload = bytes;
    }

    static String key(String taskId, int attempt) {
        return taskId + "#" + attempt;
    }

    String key() {
        return key(event.getTaskId(), event.getAttempt());
    }

    TaskEvent event() {
        return event;
    }

    InFlightTask inFlight() {
        return InFlightTask.newBuilder().setTaskId(event.getTaskId()).setAttempt(event.getAttempt())
            .setStartedAt(startedAt).setDeadline(deadline).build();
    }

    /** Stops the run for {@code why}; false if it was already stopped. Interrupts the handler's thread. */
    boolean cancel(Stop why, String reason) {
        List<Runnable> actions;
        synchronized (this) {
            if (stop != null) {
                return false;
            }
            stop = why;
            stopReason = reason;
            actions = List.copyOf(onCancel);
            cancelled.countDown();
            if (thread != null) {
                thread.interrupt();
            }
        }
        actions.forEach(Runnable::run);
        return true;
    }

    synchronized Stop stop() {
        return stop;
    }

    synchronized String stopReason() {
        return stopReason;
    }

    /** Binds the run to the thread that executes it (null when done), so a cancel can interrupt it. */
    synchronized void bind(Thread worker) {
        this.thread = worker;
    }

    /** True the first time only: exactly one outcome is published per run. */
    boolean claimReport() {
        return reported.compareAndSet(false, true);
    }

    @Override
    public String taskId() {
        return event.getTaskId();
    }

    @Override
    public int attempt() {
        return event.getAttempt();
    }

    @Override
    public String type() {
        return event.getType();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String contentType() {
        return event.getContentType();
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Map<String, String> headers() {
        return Map.copyOf(event.getHeaders());
    }

    @Override
    public void progress(int percent, String message) {
        if (!reported.get()) {
            reporter.publish(reporter.status(event, TaskStatusType.PROGRESS)
                .setProgressPercent(Math.max(0, Math.min(100, percent))).setMessage(message).build());
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (stop == null) {
                onCancel.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public boolean awaitCancellation(Duration timeout) throws InterruptedException {
        return cancelled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
