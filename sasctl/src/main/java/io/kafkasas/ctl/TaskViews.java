package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.schemas.Statuses;
import java.io.PrintWriter;
import java.util.Set;
import java.util.stream.Collectors;

/** How a task from the supervisor's {@code /tasks/{id}} reads in a terminal. */
public final class TaskViews {

    /** The states a task does not leave. */
    static final Set<String> ENDED = Statuses.ENDED.stream().map(Enum::name).collect(Collectors.toSet());

    private TaskViews() {
    }

    static void print(PrintWriter out, JsonNode task) {
        new Output.Table("FIELD", "VALUE")
            .row("task", text(task, "taskId"))
            .row("state", text(task, "state"))
            .row("type", text(task, "type") + " (queue " + text(task, "queue") + ")")
            .row("attempt", text(task, "attempt") + (task.path("agentId").isTextual()
                ? " on " + task.get("agentId").asText() : ""))
            .row("failures", text(task, "failures"))
            .row("error", error(task.path("error")))
            .row("result", task.hasNonNull("resultBase64") ? "base64 " + text(task, "resultBase64")
                : text(task, "result"))
            .row("deadline", text(task, "deadline"))
            .row("retry at", text(task, "retryAt"))
            .row("updated", text(task, "updatedAt"))
            .print(out);
        JsonNode attempts = task.path("attempts");
        if (attempts.size() > 0) {
            out.println();
            Output.Table table = new Output.Table("ATTEMPT", "AGENT", "STARTED", "ENDED", "OUTCOME", "ERROR");
            attempts.forEach(a -> table.row(text(a, "attempt"), text(a, "agentId"), text(a, "startedAt"),
                text(a, "endedAt"), text(a, "outcome"), error(a.path("error"))));
            table.print(out);
        }
        out.flush();
    }

    /** One line for a change seen while watching. */
    static String line(JsonNode task) {
        String agent = task.path("agentId").isTextual() ? " on " + task.get("agentId").asText() : "";
        String error = task.path("error").isObject() ? "  " + error(task.get("error")) : "";
        return text(task, "updatedAt") + "  " + text(task, "taskId") + "  " + text(task, "state") + "  attempt "
            + text(task, "attempt") + agent + error;
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }

    private static String error(JsonNode error) {
        return error.isObject() ? text(error, "type") + ": " + text(error, "message") : "-";
    }
}
