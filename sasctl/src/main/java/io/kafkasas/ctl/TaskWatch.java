package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Follows one task through the supervisor until it ends: a line per change, the exit code from its end state. */
final class TaskWatch {

    private TaskWatch() {
    }

    /**
     * Polls {@code /tasks/{id}} every {@code every} and prints each change of state, attempt or agent; returns
     * {@link ExitCodes#OK} once it SUCCEEDED, {@link ExitCodes#NOT_SUCCEEDED} once it ended otherwise.
     */
    static int follow(AppApi supervisor, String taskId, Duration timeout, Duration every, PrintWriter out,
                      boolean json) throws InterruptedException {
        return follow(supervisor, taskId, "SUCCEEDED", timeout, every, out, json);
    }

    /** As the other {@code follow}, with {@link ExitCodes#OK} once it ended {@code wanted}. */
    static int follow(AppApi supervisor, String taskId, String wanted, Duration timeout, Duration every,
                      PrintWriter out, boolean json) throws InterruptedException {
        String path = "/tasks/" + AppApi.encode(taskId);
        Instant deadline = Instant.now().plus(timeout);
        String lastSeen = null;
        String state = "not yet known to the supervisor";
        while (true) {
            AppApi.Answer answer = supervisor.get(path);
            if (answer.status() == 200) {
                JsonNode task = answer.body();
                state = task.path("state").asText();
                String seen = state + "/" + task.path("attempt").asText() + "/" + task.path("agentId").asText();
                if (!seen.equals(lastSeen)) {
                    lastSeen = seen;
                    if (json) {
                        Output.printJsonLine(out, task);
                    } else {
                        out.println(TaskViews.line(task));
                        out.flush();
                    }
                }
                if (TaskViews.ENDED.contains(state)) {
                    return wanted.equals(state) ? ExitCodes.OK : ExitCodes.NOT_SUCCEEDED;
                }
            } else if (answer.status() != 404 && answer.status() != 503) {
                throw supervisor.unexpected(answer, path);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CtlException(ExitCodes.TIMED_OUT, "Task " + taskId + " is " + state + " after "
                    + timeout.toSeconds() + " s; it goes on without us. Follow it again with: sasctl watch " + taskId);
            }
            TimeUnit.MILLISECONDS.sleep(every.toMillis());
        }
    }
}
