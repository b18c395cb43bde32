package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.ctl.api.AppApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** Submits a task through the scheduler's API, so an invalid request is refused at once with its reasons. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submits a task through the scheduler's HTTP API and prints its id. The request is validated"
        + " first: an invalid one is refused with every reason (exit code 6). With an idempotency key, a repeat"
        + " within the scheduler's window returns the first task's id instead of making another task."},
    footer = {"", "Examples:",
        "  sasctl submit noop",
        "  sasctl submit shell --payload '{\"command\":\"echo\",\"args\":[\"hi\"]}' --wait",
        "  sasctl submit report -q reports --payload-file req.json -k order-42",
        "  sasctl submit http --max-attempts 5 --execution-timeout 30s --delay 5m",
        "  sasctl submit noop -o json | jq -r .taskId"})
public final class SubmitCommand extends CtlCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "TYPE", description = "The task type: selects the agent's handler.")
    String type;

    /** The payload: inline or from a file, never both. */
    static final class Payload {
        @Option(names = "--payload", paramLabel = "JSON", description = "The handler's input, as JSON.")
        String inline;

        @Option(names = "--payload-file", paramLabel = "FILE", description = "The handler's input: a JSON file.")
        Path file;
    }

    @ArgGroup(exclusive = true)
    Payload payload;

    @Option(names = {"-q", "--queue"}, description = "Queue (default: the scheduler's default queue).")
    String queue;

    @Option(names = {"-k", "--idempotency-key"}, paramLabel = "KEY",
        description = "Requests with the same key within the scheduler's window make one task.")
    String idempotencyKey;

    @Option(names = "--task-id", paramLabel = "ID", description = "Choose the task id (default: the scheduler's).")
    String taskId;

    @Option(names = "--priority", description = "Above 0 the high lane, below 0 the low one: agents start higher"
        + " lanes first (docs/limits.md).")
    Integer priority;

    @Option(names = "--limit-key", paramLabel = "KEY", description = "The limit the task counts against (sasctl"
        + " limits); without one, its type's limit, if any.")
    String limitKey;

    @Option(names = "--execution-timeout", paramLabel = "DURATION",
        description = "Longest one attempt may run (e.g. 30s, 5m).")
    Duration executionTimeout;

    @Option(names = "--delay", paramLabel = "DURATION", description = "Start no earlier than this from now.")
    Duration delay;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before it is dead-lettered.")
    Integer maxAttempts;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE",
        description = "Trace or correlation header carried to every event of the task (repeatable).")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--wait", description = "Follow the task until it ends; the exit code says how it ended.")
    boolean waitForEnd;

    @Option(names = "--timeout", paramLabel = "DURATION",
        defaultValue = "10m", description = "With --wait: give up waiting after this long (default"
        + " ${DEFAULT-VALUE}; exit code 7).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        CtlConfig config = settings.ctl();
        AppApi.Answer answer = AppApi.scheduler(config).post("/tasks", body());
        PrintWriter out = out();
        switch (answer.status()) {
            case 200, 202 -> {
                String id = answer.body().path("taskId").asText();
                if (output.json()) {
                    Output.printJsonLine(out, answer.body());
                } else {
                    out.println(answer.status() == 200 ? id + "  (a repeat of idempotency key '" + idempotencyKey
                        + "': no new task)" : id);
                    out.flush();
                }
                return waitForEnd ? TaskWatch.follow(AppApi.supervisor(config), id, timeout, Duration.ofMillis(500),
                    out, output.json()) : ExitCodes.OK;
            }
            case 400, 413 -> throw new CtlException(ExitCodes.REJECTED, rejection(answer));
            case 503 -> throw new CtlException(ExitCodes.UNAVAILABLE, answer.error());
            default -> throw AppApi.scheduler(config).unexpected(answer, "POST /tasks");
        }
    }

    /** The JSON request of {@code POST /tasks}. */
    Map<String, Object> body() throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        putIfSet(body, "queue", queue);
        putIfSet(body, "taskId", taskId);
        putIfSet(body, "idempotencyKey", idempotencyKey);
        putIfSet(body, "priority", priority);
        putIfSet(body, "limitKey", limitKey);
        putIfSet(body, "executionTimeoutMs", executionTimeout == null ? null : executionTimeout.toMillis());
        putIfSet(body, "delayMs", delay == null ? null : delay.toMillis());
        putIfSet(body, "retryPolicy", maxAttempts == null ? null : Map.of("maxAttempts", maxAttempts));
        if (!headers.isEmpty()) {
            body.put("headers", headers);
        }
        if (payload != null) {
            String text = payload.inline != null ? payload.inline : Files.readString(payload.file);
            try {
                body.put("payload", JSON.readTree(text));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "The payload is not valid JSON ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        // the scheduler takes ids of A-Z a-z 0-9 . _ : @ / + = - only, and a user name may hold any character
        body.put("submittedBy", ("sasctl:" + System.getProperty("user.name", "unknown"))
            .replaceAll("[^A-Za-z0-9._:@/+=-]", "_"));
        return body;
    }

    private static void putIfSet(Map<String, Object> body, String field, Object value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String rejection(AppApi.Answer answer) {
        StringBuilder message = new StringBuilder("The scheduler refused the request: ").append(answer.error());
        for (JsonNode violation : answer.body().path("violations")) {
            message.append("\n  - ").append(violation.path("field").asText()).append(": ")
                .append(violation.path("reason").asText());
        }
        return message.toString();
    }
}
