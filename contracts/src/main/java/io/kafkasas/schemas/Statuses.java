package io.kafkasas.schemas;

import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Status builders with the fields every status of a task repeats already filled in. */
public final class Statuses {

    /** The states of a task, in the supervisor's record, that it never leaves. */
    public static final Set<SupervisedTaskState> ENDED = Collections.unmodifiableSet(EnumSet.of(
        SupervisedTaskState.SUCCEEDED, SupervisedTaskState.CANCELLED, SupervisedTaskState.DEAD_LETTERED,
        SupervisedTaskState.REJECTED));

    private Statuses() {
    }

    /** A status of attempt {@code event.attempt}, reported by no agent yet. */
    public static TaskStatus.Builder of(TaskEvent event, TaskStatusType type, Instant when) {
        Contracts.trust();
        return TaskStatus.newBuilder().setTaskId(event.getTaskId()).setAttempt(event.getAttempt()).setStatus(type)
            .setTimestamp(when).setQueue(event.getQueue()).setType(event.getType()).setHeaders(event.getHeaders())
            .setLimitKey(event.getLimitKey());
    }

    /** A status from before any attempt (QUEUED, REJECTED): attempt 0. */
    public static TaskStatus.Builder of(TaskRequest request, String taskId, TaskStatusType type, Instant when) {
        Contracts.trust();
        return TaskStatus.newBuilder().setTaskId(taskId).setAttempt(0).setStatus(type).setTimestamp(when)
            .setQueue(request.getQueue()).setType(request.getType()).setHeaders(request.getHeaders());
    }
}
