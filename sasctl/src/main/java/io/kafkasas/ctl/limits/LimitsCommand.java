package io.kafkasas.ctl.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.TaskViews;
import io.kafkasas.ctl.api.AppApi;
import io.kafkasas.ctl.api.Changes;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Limits: list them with their use, show one, set and remove them through the scheduler's HTTP API. */
@Command(name = "limits", mixinStandardHelpOptions = true,
    subcommands = {LimitsCommand.Get.class, LimitsCommand.Set.class, LimitsCommand.Delete.class},
    description = {"Lists the limits: at most so many starts a second and so many running at once, across all"
        + " agents, for the tasks that declare the key (limitKey) or, for type:<type>, every task of that type that"
        + " declares none; with their use now: tasks waiting and what holds them, tasks running, tasks released."},
    footer = {"", "Examples:", "  sasctl limits", "  sasctl limits set billing-api --rate 200",
        "  sasctl limits set deploy-prod --max-running 1", "  sasctl limits set type:report --rate 5 --max-running 2",
        "  sasctl limits get billing-api", "  sasctl limits delete billing-api"})
public final class LimitsCommand extends CtlCommand {

    @Override
    public Integer call() {
        JsonNode answer = AppApi.scheduler(settings.ctl()).getOk("/limits");
        List<JsonNode> limits = new java.util.ArrayList<>();
        answer.path("limits").forEach(limits::add);
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, limits);
            return ExitCodes.OK;
        }
        Output.Table table = new Output.Table("KEY", "STARTS/S", "MAX RUNNING", "WAITING", "HELD BY", "RUNNING",
            "RELEASED");
        for (JsonNode limit : limits) {
            JsonNode use = limit.path("use");
            table.row(TaskViews.text(limit, "key"), TaskViews.text(limit, "startsPerSecond"),
                TaskViews.text(limit, "maxRunning"), TaskViews.text(use, "waiting"), TaskViews.text(use, "heldBy"),
                TaskViews.text(use, "running"), TaskViews.text(use, "released"));
        }
        table.print(out);
        if (limits.isEmpty()) {
            out.println("No limits yet: sasctl limits set KEY --rate N --max-running M sets one.");
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** A command on one limit. */
    abstract static class OnOne extends CtlCommand {

        @Parameters(index = "0", paramLabel = "KEY", description = "The limit key: a name tasks declare"
            + " (limitKey), or type:<type>.")
        String key;

        String path() {
            return "/limits/" + AppApi.encode(key);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Shows a limit and its use now: tasks waiting and what holds them, tasks running, tasks"
            + " released since the key was first used.",
        footer = {"", "Exit codes: 0 shown, 4 no such limit, 5 unavailable."})
    static final class Get extends OnOne {

        @Override
        public Integer call() {
            JsonNode limit = AppApi.scheduler(settings.ctl()).getOk(path());
            PrintWriter out = out();
            if (output.json()) {
                Output.printJson(out, limit);
                return ExitCodes.OK;
            }
            JsonNode use = limit.path("use");
            out.printf("Limit %s: %s starts/s, %s running at most (set %s by %s)%n", key,
                TaskViews.text(limit, "startsPerSecond"), TaskViews.text(limit, "maxRunning"),
                TaskViews.text(limit, "updatedAt"), TaskViews.text(limit, "updatedBy"));
            out.printf("Waiting %s%s, running %s, released %s%n", TaskViews.text(use, "waiting"),
                use.path("heldBy").isTextual() ? " (held by " + use.path("heldBy").asText() + ")" : "",
                TaskViews.text(use, "running"), TaskViews.text(use, "released"));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Sets a limit, or replaces the one of that key; every scheduler applies it within moments,"
            + " without a restart.",
        footer = {"", "Exit codes: 0 written, 6 refused (every problem named), 5 unavailable."})
    static final class Set extends OnOne {

        @Option(names = "--rate", paramLabel = "N", description = "At most N starts a second (may be fractional:"
            + " 0.5 is one every 2 s).")
        Double rate;

        @Option(names = "--max-running", paramLabel = "M", description = "At most M running at once; a dead"
            + " agent's place comes back when the supervisor declares it dead.")
        Integer maxRunning;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (rate != null) {
                body.put("startsPerSecond", rate);
            }
            if (maxRunning != null) {
                body.put("maxRunning", maxRunning);
            }
            return Changes.send(this, "PUT", path(), body, "Limit " + key + " set");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Removes a limit: the tasks it holds go at once.",
        footer = {"", "Exit codes: 0 removed, 5 unavailable."})
    static final class Delete extends OnOne {

        @Override
        public Integer call() {
            return Changes.send(this, "DELETE", path(), null, "Limit " + key + " removed");
        }
    }
}
