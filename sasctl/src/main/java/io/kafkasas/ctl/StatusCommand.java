package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Where a task is, as the supervisor sees it. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows a task's state, attempts, agent and last error, as the supervisor sees it.",
    footer = {"", "Examples:", "  sasctl status 3f1c0e4e-8a39-4c6b-9a51-0d1e7c2f9b10",
        "  sasctl status 3f1c0e4e-... -o json --supervisor http://supervisor:8082"})
public final class StatusCommand extends CtlCommand {

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task id (sasctl submit prints it).")
    String taskId;

    @Override
    public Integer call() {
        JsonNode task = AppApi.supervisor(settings.ctl()).getOk("/tasks/" + AppApi.encode(taskId));
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, task);
        } else {
            TaskViews.print(out, task);
        }
        return ExitCodes.OK;
    }
}
