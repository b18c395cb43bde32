package io.kafkasas.ctl.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.ctl.TaskViews;
import io.kafkasas.ctl.api.AppApi;
import io.kafkasas.ctl.api.Changes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Schedules: list them, show one, and change them through the scheduler's HTTP API. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
    subcommands = {SchedulesCommand.Get.class, SchedulesCommand.Set.class, SchedulesCommand.Apply.class,
        SchedulesCommand.Pause.class, SchedulesCommand.Resume.class, SchedulesCommand.Trigger.class,
        SchedulesCommand.Backfill.class, SchedulesCommand.Delete.class},
    description = {"Lists the schedules: spec, time zone, whether paused, the next run, the last run and its"
        + " outcome, and how many slots fired, were skipped (overlap policy) or missed (older than the catch-up"
        + " window when the scheduler could fire them)."},
    footer = {"", "Examples:", "  sasctl schedules",
        "  sasctl schedules set nightly --spec '0 2 * * *' --time-zone Europe/Berlin --type shell"
            + " --payload '{\"command\":\"backup.sh\"}'",
        "  sasctl schedules apply -f nightly.yaml", "  sasctl schedules get nightly",
        "  sasctl schedules pause nightly --note 'storage migration'", "  sasctl schedules resume nightly",
        "  sasctl schedules trigger nightly",
        "  sasctl schedules backfill nightly --from 2026-12-01T00:00:00Z --to 2026-12-04T00:00:00Z",
        "  sasctl schedules delete nightly"})
public final class SchedulesCommand extends CtlCommand {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public Integer call() {
        List<JsonNode> schedules = AppApi.scheduler(settings.ctl()).getAll("/schedules", "schedules");
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, schedules);
            return ExitCodes.OK;
        }
        Output.Table table = new Output.Table("SCHEDULE", "SPEC", "TIME ZONE", "PAUSED", "NEXT RUN", "LAST RUN",
            "FIRED", "SKIPPED", "MISSED");
        for (JsonNode s : schedules) {
            JsonNode last = s.path("recentRuns").path(0);
            table.row(TaskViews.text(s, "scheduleId"), TaskViews.text(s, "spec"), TaskViews.text(s, "timeZone"),
                s.path("paused").asBoolean() ? "yes" : "no", s.path("nextRuns").path(0).asText("-"),
                last.isMissingNode() ? "-" : last.path("slot").asText() + " " + last.path("state").asText(),
                TaskViews.text(s, "fired"), TaskViews.text(s, "skipped"), TaskViews.text(s, "missed"));
        }
        table.print(out);
        if (schedules.isEmpty()) {
            out.println("No schedules yet: sasctl schedules set|apply creates one.");
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** A command on one schedule. */
    abstract static class OnOne extends CtlCommand {

        @Parameters(index = "0", paramLabel = "SCHEDULE_ID", description = "The schedule id.")
        String id;

        String path() {
            return "/schedules/" + AppApi.encode(id);
        }

        int send(String method, String path, Object body, String done) {
            return Changes.send(this, method, path, body, done);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Shows a schedule: its definition, its next runs, its recent runs with their outcome, and the"
            + " slots it missed.",
        footer = {"", "Exit codes: 0 shown, 4 no such schedule, 5 unavailable."})
    static final class Get extends OnOne {

        @Override
        public Integer call() {
            JsonNode s = AppApi.scheduler(settings.ctl()).getOk(path());
            PrintWriter out = out();
            if (output.json()) {
                Output.printJson(out, s);
                return ExitCodes.OK;
            }
            out.printf("Schedule %s: %s (%s)%s%n", id, s.path("spec").asText(), s.path("timeZone").asText(),
                s.path("paused").asBoolean() ? ", PAUSED: " + s.path("pauseNote").asText("(no note)") : "");
            out.printf("Task %s on queue %s; overlap %s; catch-up %s within %s ms; jitter %s ms%n",
                s.path("task").path("type").asText(), s.path("task").path("queue").asText(),
                s.path("overlap").asText(), s.path("catchUp").asText(), s.path("catchUpWindowMs").asText(),
                s.path("jitterMs").asText());
            out.printf("Fired %s, skipped %s, missed %s%s; running %d%n", s.path("fired").asText(),
                s.path("skipped").asText(), s.path("missed").asText(), s.path("lastMissedSlot").isTextual()
                    ? " (latest missed " + s.path("lastMissedSlot").asText() + ")" : "", s.path("activeRuns").size());
            s.path("nextRuns").forEach(n -> out.println("  next: " + n.asText()));
            Output.Table runs = new Output.Table("SLOT", "STATE", "TASK", "FIRED AT", "MANUAL");
            s.path("recentRuns").forEach(r -> runs.row(TaskViews.text(r, "slot"), TaskViews.text(r, "state"),
                TaskViews.text(r, "taskId"), TaskViews.text(r, "firedAt"), r.path("manual").asBoolean() ? "yes"
                    : ""));
            runs.print(out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
        description = "Creates a schedule, or replaces the one of that id (its runs and counts stay).",
        footer = {"", "Exit codes: 0 written, 6 refused (every problem named), 5 unavailable."})
    static final class Set extends OnOne {

        @Option(names = "--spec", required = true, description = "Cron (5 or 6 fields), a macro such as @hourly,"
            + " or an interval such as 'every 30s'.")
        String spec;

        @Option(names = "--type", required = true, description = "The task type every run submits.")
        String type;

        @Option(names = "--payload", description = "The task's payload, JSON.")
        String payload;

        @Option(names = "--queue", description = "The task's queue (default: default).")
        String queue;

        @Option(names = "--time-zone", description = "IANA time zone the spec is read in (default: UTC).")
        String timeZone;

        @Option(names = "--overlap", description = "ALLOW, SKIP (default), BUFFER_ONE or REPLACE.")
        String overlap;

        @Option(names = "--catch-up", description = "ALL (default) or LATEST: which missed slots fire late.")
        String catchUp;

        @Option(names = "--catch-up-window", paramLabel = "DURATION",
            description = "How old a missed slot may be and still fire (default 1m, at least 10s).")
        Duration catchUpWindow;

        @Option(names = "--jitter", paramLabel = "DURATION", description = "Spread each run up to this late.")
        Duration jitter;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = YAML.createObjectNode().put("spec", spec);
            ObjectNode task = body.putObject("task").put("type", type);
            if (payload != null) {
                task.set("payload", YAML.readTree(payload));
            }
            putIfSet(task, "queue", queue);
            putIfSet(body, "timeZone", timeZone);
            putIfSet(body, "overlap", overlap);
            putIfSet(body, "catchUp", catchUp);
            if (catchUpWindow != null) {
                body.put("catchUpWindowMs", catchUpWindow.toMillis());
            }
            if (jitter != null) {
                body.put("jitterMs", jitter.toMillis());
            }
            return send("PUT", path(), body, "Schedule " + id + " written");
        }

        private static void putIfSet(ObjectNode node, String field, String value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Creates or replaces the schedule a file describes (YAML or JSON, the fields of PUT"
            + " /schedules/{id}, with its scheduleId).",
        footer = {"", "Exit codes: 0 written, 6 refused (every problem named), 5 unavailable.", "",
            "A file:", "  scheduleId: nightly", "  spec: '0 2 * * *'", "  timeZone: Europe/Berlin",
            "  overlap: SKIP", "  task:", "    type: shell", "    payload: {command: backup.sh}"})
    static final class Apply extends CtlCommand {

        @Option(names = {"-f", "--file"}, required = true, description = "The schedule, YAML or JSON.")
        Path file;

        @Override
        public Integer call() throws IOException {
            JsonNode body = YAML.readTree(file.toFile());
            String id = body.path("scheduleId").asText(null);
            if (id == null) {
                throw new CtlException(ExitCodes.USAGE, file + " names no scheduleId");
            }
            return Changes.send(this, "PUT", "/schedules/" + AppApi.encode(id), body, "Schedule " + id + " written");
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pauses a schedule: it fires nothing until resumed; slots while paused are not made up.",
        footer = {"", "Exit codes: 0 paused, 4 no such schedule, 5 unavailable."})
    static final class Pause extends OnOne {

        @Option(names = "--note", description = "Why, shown with the schedule.")
        String note;

        @Override
        public Integer call() {
            return send("POST", path() + "/pause", note == null ? Map.of() : Map.of("note", note),
                "Schedule " + id + " paused");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resumes a paused schedule from its next slot after now.",
        footer = {"", "Exit codes: 0 resumed, 4 no such schedule, 5 unavailable."})
    static final class Resume extends OnOne {

        @Override
        public Integer call() {
            return send("POST", path() + "/resume", Map.of(), "Schedule " + id + " resumed");
        }
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true,
        description = "Runs the schedule's task once now, outside its slots and whatever its overlap policy.",
        footer = {"", "Exit codes: 0 submitted, 4 no such schedule, 5 unavailable."})
    static final class Trigger extends OnOne {

        @Override
        public Integer call() {
            return send("POST", path() + "/trigger", Map.of(), "Run of " + id + " submitted");
        }
    }

    @Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Runs every slot of a past range (both ends included, at most 10,000), each under its own run"
            + " id: a slot that already ran within the scheduler's de-duplication window (24 h by default) does not"
            + " run again, so asking twice is harmless.",
        footer = {"", "Exit codes: 0 submitted, 6 refused, 4 no such schedule, 5 unavailable."})
    static final class Backfill extends OnOne {

        @Option(names = "--from", required = true, description = "The first instant, ISO-8601.")
        Instant from;

        @Option(names = "--to", required = true, description = "The last instant, ISO-8601; not in the future.")
        Instant to;

        @Override
        public Integer call() {
            return send("POST", path() + "/backfill", Map.of("from", from.toString(), "to", to.toString()),
                "Backfill of " + id + " submitted");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Deletes a schedule: it fires no more; runs already fired go on.",
        footer = {"", "Exit codes: 0 deleted, 5 unavailable."})
    static final class Delete extends OnOne {

        @Override
        public Integer call() {
            return send("DELETE", path(), null, "Schedule " + id + " deleted");
        }
    }
}
