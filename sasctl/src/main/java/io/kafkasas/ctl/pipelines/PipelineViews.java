package io.kafkasas.ctl.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.TaskViews;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.util.Set;

/** Pipelines as sasctl shows them, and where they are in the scheduler's API. */
final class PipelineViews {

    /** A step whose error is its story; the others show their result (an earlier attempt's error aside). */
    private static final Set<String> FAILED = Set.of("FAILED", "COMPENSATION_FAILED");

    /** Where a pipeline ends. */
    static final Set<String> ENDED = Set.of("SUCCEEDED", "COMPENSATED", "STOPPED", "COMPENSATION_FAILED");

    private PipelineViews() {
    }

    static String path(String id) {
        return "/pipelines/" + AppApi.encode(id);
    }

    /** A pipeline as a person reads it: its state, every step's, the graph. */
    static void print(PrintWriter out, JsonNode p) {
        out.printf("Pipeline %s (%s): %s; on failure %s%s%n", p.path("pipelineId").asText(),
            p.path("name").asText(), p.path("state").asText(), p.path("onFailure").asText(),
            p.path("deadline").isTextual() ? "; deadline " + p.path("deadline").asText() : "");
        if (p.path("failure").isTextual()) {
            out.println("Why: " + p.path("failure").asText());
        }
        out.printf("Submitted %s by %s; updated %s%n", p.path("submittedAt").asText(),
            p.path("submittedBy").asText("-"), p.path("updatedAt").asText());
        Output.Table steps = new Output.Table("STEP", "STATE", "ATTEMPTS", "STARTED", "ENDED", "RESULT / ERROR");
        p.path("steps").forEach(s -> steps.row(TaskViews.text(s, "name"), TaskViews.text(s, "state"),
            TaskViews.text(s, "attempts"), TaskViews.text(s, "startedAt"), TaskViews.text(s, "endedAt"),
            FAILED.contains(s.path("state").asText()) ? TaskViews.text(s, "error") : TaskViews.text(s, "result")));
        steps.print(out);
        out.print(p.path("graph").asText());
        out.flush();
    }
}
