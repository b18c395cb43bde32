package io.kafkasas.ctl.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import java.io.PrintWriter;

/** A change asked of the scheduler's API (a schedule written, a pipeline submitted...), and what its answer means. */
public final class Changes {

    private Changes() {
    }

    /**
     * Sends {@code body} with {@code method} to the scheduler's {@code path}; prints {@code done} (or the answer,
     * with {@code -o json}) and the next runs or task ids it names; returns {@link ExitCodes#OK}.
     */
    public static int send(CtlCommand command, String method, String path, Object body, String done) {
        JsonNode answer = ask(command, method, path, body);
        PrintWriter out = command.out();
        if (command.output().json()) {
            Output.printJsonLine(out, answer);
        } else {
            out.println(done);
            answer.path("nextRuns").forEach(n -> out.println("  next: " + n.asText()));
            answer.path("taskIds").forEach(t -> out.println("  task: " + t.asText()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The scheduler's answer to {@code body} sent with {@code method} to {@code path}, once it accepted it; otherwise
     * the exit code it stands for: 6 refused (every problem named), 4 not found, 5 unavailable.
     */
    public static JsonNode ask(CtlCommand command, String method, String path, Object body) {
        AppApi scheduler = AppApi.scheduler(command.settings().ctl());
        AppApi.Answer answer = scheduler.send(method, path, body);
        return switch (answer.status()) {
            case 200, 202 -> answer.body();
            case 400 -> throw new CtlException(ExitCodes.REJECTED, answer.error() + problems(answer.body()));
            case 404 -> throw new CtlException(ExitCodes.NOT_FOUND, answer.error());
            case 503 -> throw new CtlException(ExitCodes.UNAVAILABLE, answer.error());
            default -> throw scheduler.unexpected(answer, method + " " + path);
        };
    }

    private static String problems(JsonNode body) {
        StringBuilder text = new StringBuilder();
        body.path("violations").forEach(v -> text.append(System.lineSeparator()).append("  ")
            .append(v.path("field").asText()).append(": ").append(v.path("reason").asText()));
        return text.toString();
    }
}
