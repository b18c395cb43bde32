package io.kafkasas.ctl;

import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Asks for a task to be cancelled: a queued one ends CANCELLED, a running one is stopped on its agent. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = "Cancels a task the supervisor knows: a queued task ends CANCELLED, a running one is stopped on"
        + " its agent (its handler is interrupted, then abandoned after the agent's grace). A task that has ended"
        + " stays as it is.",
    footer = {"", "Exit codes: 0 requested (with --wait: it ended CANCELLED), 1 with --wait: it ended otherwise,"
        + " 4 no such task, 5 unavailable, 7 --wait timed out.", "", "Examples:",
        "  sasctl cancel 3f1c0e4e-8a39-4c6b-9a51-0d1e7c2f9b10 --reason 'wrong input' --wait"})
public final class CancelCommand extends CtlCommand {

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task id (sasctl submit prints it).")
    String taskId;

    @Option(names = "--reason", description = "Why; kept in the task's history (default ${DEFAULT-VALUE}).",
        defaultValue = "cancelled with sasctl")
    String reason;

    @Option(names = "--wait", description = "Follow the task until it ends.")
    boolean waitForEnd;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m",
        description = "With --wait: give up waiting after this long (default ${DEFAULT-VALUE}; exit code 7).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        CtlConfig config = settings.ctl();
        AppApi supervisor = AppApi.supervisor(config);
        supervisor.getOk("/tasks/" + AppApi.encode(taskId)); // an unknown id is refused here, not cancelled
        String path = "/tasks/" + AppApi.encode(taskId) + "/cancel";
        AppApi scheduler = AppApi.scheduler(config);
        AppApi.Answer answer = scheduler.post(path, Map.of("reason", reason));
        switch (answer.status()) {
            case 202 -> {
                PrintWriter out = out();
                if (output.json()) {
                    Output.printJsonLine(out, answer.body());
                } else {
                    out.println("Cancel of " + taskId + " requested");
                    out.flush();
                }
                return waitForEnd ? TaskWatch.follow(supervisor, taskId, "CANCELLED", timeout, Duration.ofMillis(500),
                    out, output.json()) : ExitCodes.OK;
            }
            case 503 -> throw new CtlException(ExitCodes.UNAVAILABLE, answer.error());
            default -> throw scheduler.unexpected(answer, "POST " + path);
        }
    }
}
