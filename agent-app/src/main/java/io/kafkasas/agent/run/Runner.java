package io.kafkasas.agent.run;

import io.kafkasas.agent.handler.Handlers;
import io.kafkasas.agent.run.TaskRun.Stop;
import io.kafkasas.avro.InFlightTask;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.schemas.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded worker pool: runs at most {@code capacity} attempts at once, enforces each one's deadline, stops
 * them on cancel, drain or release, and publishes exactly one outcome per attempt. A handler that ignores a
 * cancel still gets its outcome reported after the cancel grace; it keeps its slot until it returns.
 */
public final class Runner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

    private final int capacity;
    private final Handlers handlers;
    private final Reporter reporter;
    private final Duration cancelGrace;
    private final int maxResultBytes;
    private final Runnable onSlotFreed;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Map<String, TaskRun> running = new ConcurrentHashMap<>();
    private final Map<TaskStatusType, io.micrometer.core.instrument.Counter> outcomes = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public Runner(int capacity, Handlers handlers, Reporter reporter, Duration cancelGrace, int maxResultBytes,
                  MeterRegistry meters, Runnable onSlotFreed) {
        this.capacity = capacity;
        this.handlers = handlers;
        this.reporter = reporter;
        this.cancelGrace = cancelGrace;
        this.maxResultBytes = maxResultBytes;
        this.onSlotFreed = onSlotFreed;
        this.meters = meters;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(capacity, r -> new Thread(r, "task-" + threads.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "task-timers");
            thread.setDaemon(true);
            return thread;
        });
        meters.gauge("sas.agent.tasks.running", running, Map::size);
    }

    public int capacity() {
        return capacity;
    }

    public int freeSlots() {
        return capacity - running.size();
    }

    /** Starts {@code event}'s attempt, whose STARTED status is already committed. */
    public void start(TaskEvent event, Instant startedAt) {
        TaskRun run = new TaskRun(event, startedAt, reporter);
        running.put(run.key(), run);
        if (run.deadline() != null) {
            long delay = Math.max(0, Duration.between(reporter.clock().instant(), run.deadline()).toMillis());
            timers.schedule(() -> stop(run, Stop.TIMED_OUT, "ran past its deadline " + run.deadline()),
                delay, TimeUnit.MILLISECONDS);
        }
        workers.execute(() -> execute(run));
    }

    private void execute(TaskRun run) {
        run.bind(Thread.currentThread());
        TaskStatus outcome;
        try {
            TaskHandler handler = handlers.forType(run.type());
            if (handler == null) {
                throw new TaskFailedException("agent.no-handler", "This agent has no handler for task type '"
                    + run.type() + "'; it runs: " + handlers.describe(), false);
            }
            outcome = succeeded(run, handler.run(run));
        } catch (TaskFailedException e) {
            outcome = failed(run, error(e.type(), e.getMessage(), e.retryable(), e.detail()));
        } catch (Exception e) { // interrupts and cancellations included: the run's stop reason decides
            outcome = stopOrFailure(run, e);
        } finally {
            run.bind(null);
            Thread.interrupted(); // publish on a thread no cancel can interrupt any more (send would throw)
        }
        try {
            report(run, outcome);
        } finally {
            synchronized (running) {
                running.remove(run.key());
                running.notifyAll();
            }
            onSlotFreed.run();
        }
    }

    private TaskStatus succeeded(TaskRun run, byte[] result) {
        if (run.stop() == Stop.TIMED_OUT) {
            return stopped(run);
        }
        if (result != null && result.length > maxResultBytes) {
            return failed(run, error("agent.result-too-large", "The handler returned " + result.length
                + " bytes; agent.max.result.bytes is " + maxResultBytes, false, null));
        }
        return reporter.status(run.event(), TaskStatusType.SUCCEEDED)
            .setResult(result == null ? null : ByteBuffer.wrap(result)).build();
    }

    private TaskStatus stopOrFailure(TaskRun run, Exception e) {
        if (run.stop() != null) {
            return stopped(run);
        }
        LOG.warn("Task {} attempt {} failed: {}", run.taskId(), run.attempt(), e.toString());
        return failed(run, error(e.getClass().getName(), String.valueOf(e.getMessage()), true, null));
    }

    private TaskStatus failed(TaskRun run, TaskError error) {
        return reporter.status(run.event(), TaskStatusType.FAILED).setError(error).setMessage(error.getMessage())
            .build();
    }

    private static TaskError error(String type, String message, boolean retryable, String detail) {
        return TaskError.newBuilder().setType(type).setMessage(message).setRetryable(retryable).setDetail(detail)
            .build();
    }

    /** The outcome of a stopped run. */
    private TaskStatus stopped(TaskRun run) {
        Stop stop = run.stop();
        TaskStatus.Builder status = reporter.status(run.event(), stop.status).setMessage(run.stopReason());
        if (stop == Stop.TIMED_OUT) {
            status.setError(error(Wire.DEADLINE_ERROR, "Task " + run.taskId() + " " + run.stopReason(), true, null));
        }
        return status.build();
    }

    private void report(TaskRun run, TaskStatus status) {
        if (run.claimReport()) {
            reporter.publish(status);
            outcomes.computeIfAbsent(status.getStatus(), s -> meters.counter("sas.agent.tasks.outcomes",
                "status", s.name())).increment();
        }
    }

    /** Stops a run; its outcome is reported when the handler returns, or after the cancel grace at the latest. */
    private boolean stop(TaskRun run, Stop why, String reason) {
        if (!run.cancel(why, reason)) {
            return false;
        }
        LOG.info("Stopping task {} attempt {} ({}): {}", run.taskId(), run.attempt(), why, reason);
        timers.schedule(() -> {
            if (running.containsKey(run.key())) {
                LOG.warn("Task {} attempt {} did not stop within {} ms; reporting {} anyway", run.taskId(),
                    run.attempt(), cancelGrace.toMillis(), why);
                report(run, stopped(run));
            }
        }, cancelGrace.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /** Cancels {@code taskId} (one attempt, or any when {@code attempt} is null); false if it is not running here. */
    public boolean cancel(String taskId, Integer attempt, String reason) {
        boolean any = false;
        for (TaskRun run : List.copyOf(running.values())) {
            if (run.taskId().equals(taskId) && (attempt == null || attempt == run.attempt())) {
                any |= stop(run, Stop.CANCELLED, reason);
            }
        }
        return any;
    }

    /** Waits up to {@code timeout} for every run to end; true if none is left. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (running) {
            while (!running.isEmpty()) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(running, left);
            }
        }
        return true;
    }

    /**
     * Hands every run back (RELEASED) so the supervisor re-emits it at once: stops them, and reports RELEASED for
     * each within the cancel grace whether or not its handler has returned.
     */
    public void releaseAll(String reason) throws InterruptedException {
        List<TaskRun> left = List.copyOf(running.values());
        left.forEach(run -> stop(run, Stop.RELEASED, reason));
        awaitIdle(cancelGrace);
        left.forEach(run -> report(run, stopped(run)));
    }

    /** The attempts running now, for heartbeats. */
    public List<InFlightTask> inFlight() {
        return running.values().stream().map(TaskRun::inFlight).toList();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        timers.shutdownNow();
    }
}
