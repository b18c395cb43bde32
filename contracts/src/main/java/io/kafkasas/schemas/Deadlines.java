package io.kafkasas.schemas;

import io.kafkasas.avro.TaskEvent;
import java.time.Instant;

/** When a running attempt must end: the one rule the agent that runs it and the supervisor that watches it share. */
public final class Deadlines {

    private Deadlines() {
    }

    /** The earlier of start + execution timeout and the task's own deadline; null for neither. */
    public static Instant of(TaskEvent event, Instant startedAt) {
        Instant byTimeout = event.getExecutionTimeoutMs() == null ? null
            : Times.plusMillis(startedAt, event.getExecutionTimeoutMs());
        Instant task = event.getDeadline();
        if (byTimeout == null || task == null) {
            return byTimeout != null ? byTimeout : task;
        }
        return byTimeout.isBefore(task) ? byTimeout : task;
    }
}
