package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.topics.TopicNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * The four kinds of record the task state machine sends: the next attempt's event, statuses, commands to an agent
 * and dead letters. Each is keyed as its topic is (task id, or agent id for a command); the topology routes them by
 * type.
 */
public final class Outputs {

    /** One record to send. */
    public record Output(String key, SpecificRecord value) {
    }

    private final TopicNames topics;
    private final Supplier<String> ids;

    /** {@code ids}: command ids (random in production, counted in tests). */
    public Outputs(TopicNames topics, Supplier<String> ids) {
        this.topics = topics;
        this.ids = ids;
    }

    Output event(TaskEvent event) {
        return new Output(event.getTaskId(), event);
    }

    static Output status(TaskStatus status) {
        return new Output(status.getTaskId(), status);
    }

    /** A status of the task's current attempt, written by the supervisor (no agent). */
    static TaskStatus.Builder statusOf(SupervisedTask task, TaskStatusType type, Instant now) {
        return task.getEvent() != null ? Statuses.of(task.getEvent(), type, now)
            : TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAttempt(task.getAttempt()).setStatus(type)
                .setTimestamp(now).setLimitKey(task.getHeldByLimit()); // a held task's end reaches its limit
    }

    Output cancelOnAgent(SupervisedTask task, String agentId, Long incarnation, String reason, Instant now) {
        return new Output(agentId, AgentCommand.newBuilder().setCommandId(ids.get()).setAgentId(agentId)
            .setType(AgentCommandType.CANCEL_TASK).setTargetIncarnation(incarnation).setTaskId(task.getTaskId())
            .setAttempt(task.getAttempt()).setReason(reason).setIssuedAt(now)
            .setIssuedBy(Wire.PRODUCED_BY_SUPERVISOR).build());
    }

    /** The letter of a task that ends here: its whole history, and its last event, which a replay submits again. */
    Output deadLetter(SupervisedTask task, DeadLetterReason reason, String message, Instant now) {
        TaskEvent event = task.getEvent();
        return new Output(task.getTaskId(), DeadLetter.newBuilder().setReason(reason).setMessage(message)
            .setSourceTopic(event == null ? "" : topics.tasks(event.getQueue(), event.getPriority()))
            .setTaskId(task.getTaskId())
            .setTask(event).setAttempts(new ArrayList<>(task.getAttempts()))
            .setProducedBy(Wire.PRODUCED_BY_SUPERVISOR).setTimestamp(now).build());
    }
}
