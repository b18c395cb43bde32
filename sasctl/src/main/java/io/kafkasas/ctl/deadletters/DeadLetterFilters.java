package io.kafkasas.ctl.deadletters;

import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** Which dead letters ({@code @Mixin} of list and replay): by reason, task and age. */
public final class DeadLetterFilters {

    @Option(names = "--reason", paramLabel = "REASON",
        description = "Only this reason: INVALID_REQUEST, UNDECODABLE, RETRIES_EXHAUSTED, NON_RETRYABLE_FAILURE,"
            + " UNKNOWN ...")
    String reason;

    @Option(names = "--task", paramLabel = "TASK_ID", description = "Only dead letters of this task.")
    String taskId;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only those written this recently (e.g. 2h).")
    Duration since;

    Predicate<DeadLetterLog.Entry> predicate() {
        return matching(reason, taskId, since == null ? Instant.MIN : Instant.now().minus(since));
    }

    /** Letters of {@code reason} (any case) and {@code taskId}, written at or after {@code after}; null: any. */
    public static Predicate<DeadLetterLog.Entry> matching(String reason, String taskId, Instant after) {
        return e -> !e.writtenAt().isBefore(after)
            && (reason == null || (e.letter() != null && e.letter().getReason().name().equalsIgnoreCase(reason)))
            && (taskId == null || (e.letter() != null && taskId.equals(e.letter().getTaskId())));
    }

    /** Raised when a selection finds nothing to act on. */
    static CtlException nothingFound(String what) {
        return new CtlException(ExitCodes.NOT_FOUND, "No dead letter " + what + "; list them with: sasctl"
            + " dead-letters list");
    }
}
