package io.kafkasas.ctl.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.TaskViews;
import io.kafkasas.ctl.api.AppApi;
import io.kafkasas.ctl.api.Changes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pipelines: submit one from a file, list them, show or follow one, cancel one. */
@Command(name = "pipelines", mixinStandardHelpOptions = true,
    subcommands = {PipelinesCommand.Submit.class, PipelinesCommand.Get.class, PipelinesCommand.Watch.class,
        PipelinesCommand.Cancel.class},
    description = {"Lists the pipelines the scheduler keeps: state, steps done, when submitted and last changed, and"
        + " why one did not succeed."},
    footer = {"", "Examples:", "  sasctl pipelines", "  sasctl pipelines --state COMPENSATION_FAILED",
        "  sasctl pipelines submit -f release.yaml --wait", "  sasctl pipelines get release-42",
        "  sasctl pipelines watch release-42", "  sasctl pipelines cancel release-42 --reason 'wrong version' --wait"})
public final class PipelinesCommand extends CtlCommand {

    @Option(names = "--state", description = "Only pipelines in this state: RUNNING, SUCCEEDED, COMPENSATING,"
        + " COMPENSATED, STOPPED or COMPENSATION_FAILED.")
    String state;

    @Override
    public Integer call() {
        List<JsonNode> pipelines = AppApi.scheduler(settings.ctl()).getAll("/pipelines", "pipelines").stream()
            .filter(p -> state == null || state.equalsIgnoreCase(p.path("state").asText())).toList();
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, pipelines);
            return ExitCodes.OK;
        }
        Output.Table table = new Output.Table("PIPELINE", "NAME", "STATE", "STEPS DONE", "SUBMITTED", "UPDATED",
            "FAILURE");
        for (JsonNode p : pipelines) {
            table.row(TaskViews.text(p, "pipelineId"), TaskViews.text(p, "name"), TaskViews.text(p, "state"),
                p.path("completed").size() + "/" + p.path("steps").size(), TaskViews.text(p, "submittedAt"),
                TaskViews.text(p, "updatedAt"), TaskViews.text(p, "failure"));
        }
        table.print(out);
        if (pipelines.isEmpty()) {
            out.println(state == null ? "No pipelines yet: sasctl pipelines submit -f FILE submits one."
                : "No pipeline is " + state + ".");
            out.flush();
        }
        return ExitCodes.OK;
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submits the pipeline a file describes (YAML or JSON, the fields of POST /pipelines); with"
            + " --wait, follows it to its end.",
        footer = {"", "Exit codes: 0 submitted (with --wait: SUCCEEDED), 1 ended otherwise, 6 refused (every problem"
            + " named), 7 still going at --timeout, 5 unavailable.", "",
            "A file:", "  pipelineId: release-42", "  name: release 42", "  onFailure: COMPENSATE",
            "  steps:", "    - name: build", "      task: {type: shell, payload: {command: make}}",
            "    - name: deploy", "      dependsOn: [build]",
            "      task: {type: shell, payload: {command: deploy.sh, args: ['${steps.build.result}']}}",
            "      compensation: {type: shell, payload: {command: undeploy.sh}}"})
    static final class Submit extends CtlCommand {

        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

        @Option(names = {"-f", "--file"}, required = true, description = "The pipeline, YAML or JSON.")
        Path file;

        @Option(names = "--wait", description = "Follow it until it ends.")
        boolean wait;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1h",
            description = "With --wait: stop waiting after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode answer = Changes.ask(this, "POST", "/pipelines", YAML.readTree(file.toFile()));
            String id = answer.path("pipelineId").asText();
            if (output.json()) {
                Output.printJsonLine(out(), answer);
            } else {
                out().println("Pipeline " + id + " submitted");
                out().flush();
            }
            return wait ? PipelineWatch.follow(this, id, timeout, Set.of("SUCCEEDED")) : ExitCodes.OK;
        }
    }

    /** A command on one pipeline. */
    abstract static class OnOne extends CtlCommand {

        @Parameters(index = "0", paramLabel = "PIPELINE_ID", description = "The pipeline id.")
        String id;
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Shows a pipeline: its state and why, each step's state, attempts, times and result or error,"
            + " and its graph drawn as text.",
        footer = {"", "Exit codes: 0 shown, 4 no such pipeline, 5 unavailable."})
    static final class Get extends OnOne {

        @Override
        public Integer call() {
            JsonNode p = AppApi.scheduler(settings.ctl()).getOk(PipelineViews.path(id));
            if (output.json()) {
                Output.printJson(out(), p);
            } else {
                PipelineViews.print(out(), p);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follows a pipeline until it ends: a line per change of a step or of the pipeline, then the"
            + " pipeline as get shows it.",
        footer = {"", "Exit codes: 0 SUCCEEDED, 1 ended otherwise (COMPENSATED, STOPPED, COMPENSATION_FAILED),"
            + " 7 still going at --timeout, 4 no such pipeline, 5 unavailable."})
    static final class Watch extends OnOne {

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1h",
            description = "Stop waiting after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws InterruptedException {
            return PipelineWatch.follow(this, id, timeout, Set.of("SUCCEEDED"));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a running pipeline: no new step starts, running ones are cancelled, then its failure"
            + " policy applies (COMPENSATE undoes what succeeded, newest first).",
        footer = {"", "Exit codes: 0 asked (with --wait: then COMPENSATED or STOPPED), 1 ended otherwise (it had"
            + " already ended, or a compensation failed), 4 no such pipeline, 5 unavailable."})
    static final class Cancel extends OnOne {

        @Option(names = "--reason", description = "Why, kept with the pipeline.")
        String reason;

        @Option(names = "--wait", description = "Follow it until it ends.")
        boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            int asked = Changes.send(this, "POST", PipelineViews.path(id) + "/cancel", reason == null ? Map.of()
                : Map.of("reason", reason), "Cancel of pipeline " + id + " requested");
            if (!wait) {
                return asked;
            }
            return PipelineWatch.follow(this, id, Duration.ofHours(1), Set.of("COMPENSATED", "STOPPED"));
        }
    }
}
