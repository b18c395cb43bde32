package io.kafkasas.ctl.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Follows one pipeline through the scheduler until it ends: a line per change, the exit code from its end. */
final class PipelineWatch {

    private static final Duration EVERY = Duration.ofMillis(500);

    private PipelineWatch() {
    }

    /**
     * Polls {@code /pipelines/{id}} and prints each change of the pipeline's state or of a step's (state, attempts);
     * once it ended, the pipeline as {@code get} shows it, and {@link ExitCodes#OK} if it ended in one of
     * {@code wanted}, {@link ExitCodes#NOT_SUCCEEDED} otherwise.
     */
    static int follow(CtlCommand command, String id, Duration timeout, Set<String> wanted)
        throws InterruptedException {
        AppApi scheduler = AppApi.scheduler(command.settings().ctl());
        PrintWriter out = command.out();
        String path = PipelineViews.path(id);
        Instant deadline = Instant.now().plus(timeout);
        Map<String, String> seen = new HashMap<>();
        String state = "not yet known to the scheduler";
        while (true) {
            AppApi.Answer answer = scheduler.get(path);
            if (answer.status() == 200) {
                JsonNode p = answer.body();
                state = p.path("state").asText();
                if (changed(seen, "", state + "/" + p.path("failure").asText())) {
                    print(command, p, "pipeline " + id + " " + state + (p.path("failure").isTextual()
                        ? ": " + p.path("failure").asText() : ""));
                }
                for (JsonNode step : p.path("steps")) {
                    String now = step.path("state").asText() + " (attempts " + step.path("attempts").asText() + ")";
                    if (changed(seen, step.path("name").asText(), now)) {
                        print(command, step, "  " + step.path("name").asText() + " " + now);
                    }
                }
                if (PipelineViews.ENDED.contains(state)) {
                    if (!command.output().json()) {
                        PipelineViews.print(out, p);
                    }
                    return wanted.contains(state) ? ExitCodes.OK : ExitCodes.NOT_SUCCEEDED;
                }
            } else if (answer.status() != 404 && answer.status() != 503) {
                throw scheduler.unexpected(answer, path);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CtlException(ExitCodes.TIMED_OUT, "Pipeline " + id + " is " + state + " after "
                    + timeout.toSeconds() + " s; it goes on without us. Follow it again with: sasctl pipelines watch "
                    + id);
            }
            TimeUnit.MILLISECONDS.sleep(EVERY.toMillis());
        }
    }

    private static boolean changed(Map<String, String> seen, String what, String now) {
        return !now.equals(seen.put(what, now));
    }

    private static void print(CtlCommand command, JsonNode node, String line) {
        PrintWriter out = command.out();
        if (command.output().json()) {
            Output.printJsonLine(out, node);
        } else {
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + "  " + line);
            out.flush();
        }
    }
}
