package io.kafkasas.schemas;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The task ids of a schedule's runs, defined once: {@code schedule:<schedule id>@<slot>} (the slot an ISO-8601
 * instant), also the run's idempotency key, so that however often a slot is tried the scheduler's de-duplication
 * lets it run once. A run an operator triggers ends in {@value #MANUAL}. The scheduler tells a run's statuses from
 * the others' by the prefix of their key alone.
 */
public final class ScheduleRuns {

    public static final String PREFIX = "schedule:";
    public static final String MANUAL = "+manual";
    /** Schedule ids: short, printable, and free of the separators of a run id. */
    private static final Pattern SCHEDULE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private ScheduleRuns() {
    }

    public static boolean isScheduleId(String id) {
        return id != null && SCHEDULE_ID.matcher(id).matches();
    }

    /** The run of {@code slot}. */
    public static String taskId(String scheduleId, Instant slot) {
        return PREFIX + scheduleId + "@" + slot;
    }

    /** A run an operator asked for at {@code at}, outside the spec's slots. */
    public static String manualTaskId(String scheduleId, Instant at) {
        return taskId(scheduleId, at) + MANUAL;
    }

    public static boolean isRun(String taskId) {
        return taskId != null && taskId.startsWith(PREFIX) && taskId.indexOf('@') > PREFIX.length();
    }

    /** The schedule a run belongs to; empty for any other task id. */
    public static Optional<String> scheduleOf(String taskId) {
        return isRun(taskId) ? Optional.of(taskId.substring(PREFIX.length(), taskId.indexOf('@')))
            : Optional.empty();
    }

    /** The slot of a run; empty for any other task id or a malformed slot. */
    public static Optional<Instant> slotOf(String taskId) {
        if (!isRun(taskId)) {
            return Optional.empty();
        }
        String slot = taskId.substring(taskId.indexOf('@') + 1);
        try {
            return Optional.of(Instant.parse(slot.endsWith(MANUAL) ? slot.substring(0,
                slot.length() - MANUAL.length()) : slot));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
