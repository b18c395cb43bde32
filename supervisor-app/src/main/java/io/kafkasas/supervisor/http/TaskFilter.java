package io.kafkasas.supervisor.http;

import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.TaskEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which tasks a list call asks for: every field given must match exactly ({@code state} ignoring case; {@code agent}:
 * the agent of its current or last attempt). A task the
 * scheduler still holds for its limit has no event yet, so only {@code state} can match it.
 */
record TaskFilter(String state, String type, String queue, String submitter, String agent)
    implements Predicate<SupervisedTask> {

    /** The query parameters, in the order they are forwarded to other instances. */
    static final List<String> FIELDS = List.of("state", "type", "queue", "submitter", "agent");

    static TaskFilter of(Map<String, String> query) {
        return new TaskFilter(blankToNull(query.get("state")), blankToNull(query.get("type")),
            blankToNull(query.get("queue")), blankToNull(query.get("submitter")), blankToNull(query.get("agent")));
    }

    @Override
    public boolean test(SupervisedTask task) {
        if (state != null && !task.getState().name().equalsIgnoreCase(state)
            || agent != null && !agent.equals(task.getAgentId())) {
            return false;
        }
        TaskEvent event = task.getEvent();
        if (type == null && queue == null && submitter == null) {
            return true;
        }
        return event != null && (type == null || type.equals(event.getType()))
            && (queue == null || queue.equals(event.getQueue()))
            && (submitter == null || Objects.equals(submitter, event.getSubmittedBy()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
