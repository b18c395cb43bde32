package io.kafkasas.ctl.deadletters;

import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dead-letters replay}: sends dead letters again, after the cause (a bug, a setting, a schema) is fixed. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Sends dead letters again, once their cause is fixed. A task the supervisor gave up on, or a"
        + " request the scheduler refused, is submitted again as a new task (new id, idempotency key"
        + " replay:<old task id>, so a second replay of the same letter within the scheduler's window makes no"
        + " second task). Any other record is sent again byte for byte to the topic it came from. Every replay"
        + " carries the header sas.replayed-from=<topic>-<partition>@<offset>.",
        "The dead letters stay where they are: the topic is a log, and its retention removes them."},
    footer = {"", "Examples:", "  sasctl dead-letters replay --at 0:42 --dry-run",
        "  sasctl dead-letters replay --at 0:42 --at 2:7",
        "  sasctl dead-letters replay --all --reason RETRIES_EXHAUSTED --since 2h"})
public final class ReplayCommand extends CtlCommand {

    /** Which letters: named ones, or all that match the filters. */
    static final class Selection {
        @Option(names = "--at", paramLabel = "PARTITION:OFFSET", required = true,
            description = "A dead letter, as 'dead-letters list' shows it (repeatable).")
        List<String> at;

        @Option(names = "--all", required = true, description = "Every dead letter that matches the filters.")
        boolean all;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Mixin
    DeadLetterFilters filters;

    @Option(names = "--dry-run", description = "Say what would be sent, send nothing.")
    boolean dryRun;

    private CtlConfig config;

    @Override
    public Integer call() throws Exception {
        config = settings.ctl();
        Set<String> named = selection.at == null ? Set.of() : Set.copyOf(selection.at);
        List<DeadLetterLog.Entry> entries = new DeadLetterLog(config)
            .read(filters.predicate().and(e -> named.isEmpty() || named.contains(e.at())));
        List<String> missing = new ArrayList<>(named);
        entries.forEach(e -> missing.remove(e.at()));
        if (!missing.isEmpty()) {
            throw DeadLetterFilters.nothingFound("at " + String.join(", ", missing) + " (that matches the filters)");
        }
        if (entries.isEmpty()) {
            throw DeadLetterFilters.nothingFound("matches the filters");
        }
        Replays replays = new Replays(config.topicNames(), config.topics().taskRequests().valueSerde()
            .deserializer());
        Instant now = Instant.now();
        List<Replays.Plan> plans = entries.stream().map(e -> replays.plan(e, now)).toList();
        if (!dryRun) {
            Replays.send(config, plans);
        }
        report(plans);
        return plans.stream().allMatch(Replays.Plan::replayable) ? ExitCodes.OK : ExitCodes.NOT_SUCCEEDED;
    }

    private void report(List<Replays.Plan> plans) {
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, plans.stream().map(this::view).toList());
            return;
        }
        Output.Table table = new Output.Table("AT", "ACTION", "TO", "NEW TASK", "NOTE");
        for (Replays.Plan plan : plans) {
            table.row(plan.entry().at(), (dryRun && plan.replayable() ? "would " : "") + plan.action(), target(plan),
                plan.request() == null || dryRun ? null : plan.request().getTaskId(), plan.note());
        }
        table.print(out);
        if (!dryRun && plans.stream().anyMatch(p -> p.request() != null)) {
            out.println("A letter replayed before, within the scheduler's de-duplication window, makes no second task:"
                + " its new id then stays unused.");
            out.flush();
        }
    }

    private Map<String, Object> view(Replays.Plan plan) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", plan.entry().at());
        view.put("action", plan.action());
        view.put("sent", !dryRun && plan.replayable());
        view.put("to", target(plan));
        view.put("newTaskId", plan.request() == null || dryRun ? null : plan.request().getTaskId());
        view.put("note", plan.note());
        return view;
    }

    private String target(Replays.Plan plan) {
        return plan.request() != null ? config.topicNames().taskRequests()
            : plan.record() != null ? plan.record().topic() : null;
    }
}
