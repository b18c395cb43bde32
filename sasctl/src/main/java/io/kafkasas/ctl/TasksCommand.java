package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The tasks the supervisor knows, a page at a time. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    description = {"Lists the tasks the supervisor knows, sorted by task id, a page at a time: --limit tasks after"
        + " --after. The last line names the next page's --after; --all follows every page."},
    footer = {"", "Examples:", "  sasctl tasks --state RUNNING", "  sasctl tasks --state DEAD_LETTERED --all -o json",
        "  sasctl tasks --limit 20 --after 3f1c0e4e-8a39-4c6b-9a51-0d1e7c2f9b10"})
public final class TasksCommand extends CtlCommand {

    @Option(names = "--state", paramLabel = "STATE", description = "Only tasks in this state (QUEUED, RUNNING,"
        + " RETRY_WAIT, SUCCEEDED, CANCELLED, DEAD_LETTERED).")
    String state;

    @Option(names = "--limit", paramLabel = "N", description = "Tasks per page, 1 to 10000 (default"
        + " ${DEFAULT-VALUE}).")
    int limit = 50;

    @Option(names = "--after", paramLabel = "TASK_ID", description = "Start after this task id (the next page).")
    String after = "";

    @Option(names = "--all", description = "Follow every page to the end.")
    boolean all;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 10000, not " + limit);
        }
        AppApi supervisor = AppApi.supervisor(settings.ctl());
        List<JsonNode> tasks = new ArrayList<>();
        String next = after;
        do {
            JsonNode page = supervisor.getOk("/tasks?limit=" + limit + "&after=" + AppApi.encode(next)
                + (state == null ? "" : "&state=" + AppApi.encode(state)));
            page.path("tasks").forEach(tasks::add);
            next = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (all && next != null);
        PrintWriter out = out();
        if (output.json()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tasks", tasks);
            body.put("next", next);
            Output.printJson(out, body);
            return ExitCodes.OK;
        }
        Output.Table table = new Output.Table("TASK", "STATE", "TYPE", "QUEUE", "ATTEMPT", "AGENT", "UPDATED");
        for (JsonNode t : tasks) {
            table.row(TaskViews.text(t, "taskId"), TaskViews.text(t, "state"), TaskViews.text(t, "type"),
                TaskViews.text(t, "queue"), TaskViews.text(t, "attempt"), TaskViews.text(t, "agentId"),
                TaskViews.text(t, "updatedAt"));
        }
        table.print(out);
        if (tasks.isEmpty()) {
            out.println(state == null ? "No tasks." : "No task is " + state + ".");
        } else if (next != null) {
            out.println("More: --after " + next);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
