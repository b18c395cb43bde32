package io.kafkasas.ctl.deadletters;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.schemas.serde.RecordViews;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dead-letters list|replay}: what could not be processed, and sending it again once the cause is fixed. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = "Lists dead letters (list), or sends them again once their cause is fixed (replay).",
    subcommands = {DeadLettersCommand.ListCommand.class, ReplayCommand.class})
public final class DeadLettersCommand {

    /** {@code dead-letters list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists dead letters, oldest first: where each lies (PARTITION:OFFSET, what replay --at takes),"
            + " why, where it came from, the task, and whether and how it can be replayed.",
        footer = {"", "Examples:", "  sasctl dead-letters list", "  sasctl dead-letters list --reason RETRIES_EXHAUSTED"
            + " --since 1h", "  sasctl dead-letters list -o json | jq '.[] | select(.replay==\"resubmit\")'"})
    public static final class ListCommand extends CtlCommand {

        @Mixin
        DeadLetterFilters filters;

        @Option(names = "--max", paramLabel = "N",
            description = "Show the newest N at most (default ${DEFAULT-VALUE}).")
        int max = 100;

        @Override
        public Integer call() {
            CtlConfig config = settings.ctl();
            List<DeadLetterLog.Entry> entries = new DeadLetterLog(config).read(filters.predicate());
            List<DeadLetterLog.Entry> shown = entries.subList(Math.max(0, entries.size() - max), entries.size());
            Replays replays = new Replays(config.topicNames(), config.topics().taskRequests().valueSerde()
                .deserializer());
            Instant now = Instant.now();
            PrintWriter out = out();
            if (output.json()) {
                Output.printJson(out, shown.stream().map(e -> view(e, replays.plan(e, now))).toList());
                return ExitCodes.OK;
            }
            Output.Table table = new Output.Table("AT", "WRITTEN", "REASON", "FROM", "TASK", "BY", "REPLAY",
                "MESSAGE");
            for (DeadLetterLog.Entry e : shown) {
                DeadLetter l = e.letter();
                table.row(e.at(), e.writtenAt(), l == null ? "(undecodable)" : l.getReason(),
                    l == null ? null : source(l), l == null ? null : l.getTaskId(),
                    l == null ? null : l.getProducedBy(), replays.plan(e, now).action(),
                    abbreviate(l == null ? e.problem() : l.getMessage()));
            }
            table.print(out);
            out.println(entries.size() + " dead letter(s)" + (shown.size() < entries.size() ? ", the newest "
                + shown.size() + " shown" : ""));
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** A dead letter as JSON: where it lies, every field of the letter, and what replaying it would do. */
    public static Map<String, Object> view(DeadLetterLog.Entry e, Replays.Plan plan) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", e.at());
        view.put("partition", e.partition());
        view.put("offset", e.offset());
        view.put("writtenAt", e.writtenAt().toString());
        view.put("replay", plan.action());
        view.put("replayNote", plan.note());
        if (e.letter() == null) {
            view.put("problem", e.problem());
        } else {
            view.putAll(RecordViews.of(e.letter()));
        }
        return view;
    }

    private static String source(DeadLetter letter) {
        return letter.getSourcePartition() < 0 ? letter.getSourceTopic()
            : letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset();
    }

    private static String abbreviate(String text) {
        String line = text == null ? "" : text.replace('\n', ' ');
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }
}
