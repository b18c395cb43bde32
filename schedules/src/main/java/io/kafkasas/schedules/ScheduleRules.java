package io.kafkasas.schedules;

import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What makes a schedule valid, and the task request each of its runs submits. The same checks run at the HTTP API
 * (refused with the reasons) and on the schedules topic (dead-lettered with them).
 */
public final class ScheduleRules {

    /** A late slot fires if it is at most this late, whatever the schedule says: the clock's own lag is no outage. */
    public static final Duration MIN_CATCH_UP_WINDOW = Duration.ofSeconds(10);
    private static final Duration MAX_CATCH_UP_WINDOW = Duration.ofDays(366);
    private static final Duration MAX_JITTER = Duration.ofDays(1);
    private static final int MAX_NOTE_CHARS = 500;

    static {
        Contracts.trust(); // the records built here are contract classes
    }

    private ScheduleRules() {
    }

    /** Every problem of {@code schedule} at {@code now}; empty when it is valid. */
    public static List<Violation> check(Schedule schedule, RequestValidator validator, Instant now) {
        List<Violation> problems = new ArrayList<>();
        if (!ScheduleRuns.isScheduleId(schedule.getScheduleId())) {
            problems.add(new Violation("scheduleId", "must be 1-100 characters of A-Z a-z 0-9 . _ -, was '"
                + schedule.getScheduleId() + "'"));
        }
        String zone = schedule.getTimeZone();
        try {
            ScheduleSpec.parse("@daily", zone);
        } catch (IllegalArgumentException e) {
            problems.add(new Violation("timeZone", e.getMessage()));
            zone = "UTC"; // the spec is still checked
        }
        ScheduleSpec spec = null;
        try {
            spec = ScheduleSpec.parse(schedule.getCron(), zone);
        } catch (IllegalArgumentException e) {
            problems.add(new Violation("spec", e.getMessage()));
        }
        long window = schedule.getCatchUpWindowMs();
        if (window < MIN_CATCH_UP_WINDOW.toMillis() || window > MAX_CATCH_UP_WINDOW.toMillis()) {
            problems.add(new Violation("catchUpWindowMs", "must be from " + MIN_CATCH_UP_WINDOW.toMillis()
                + " (10 s) to " + MAX_CATCH_UP_WINDOW.toMillis() + " (366 days), was " + window));
        }
        if (schedule.getJitterMs() < 0 || schedule.getJitterMs() > MAX_JITTER.toMillis()) {
            problems.add(new Violation("jitterMs", "must be from 0 to " + MAX_JITTER.toMillis() + " (a day), was "
                + schedule.getJitterMs()));
        }
        if (schedule.getRunDeadlineMs() != null && schedule.getRunDeadlineMs() <= Math.max(0, schedule.getJitterMs())) {
            problems.add(new Violation("runDeadlineMs", "must be positive and over jitterMs (a run may start that"
                + " late), was " + schedule.getRunDeadlineMs()));
        }
        if (schedule.getStartAt() != null && schedule.getEndAt() != null
                && !schedule.getEndAt().isAfter(schedule.getStartAt())) {
            problems.add(new Violation("endAt", "must be after startAt (" + schedule.getStartAt() + "), was "
                + schedule.getEndAt()));
        }
        if (schedule.getPauseNote() != null && schedule.getPauseNote().length() > MAX_NOTE_CHARS) {
            problems.add(new Violation("pauseNote", "must be at most " + MAX_NOTE_CHARS + " characters"));
        }
        if (spec != null && spec.next(now) == null) {
            problems.add(new Violation("spec", "'" + schedule.getCron() + "' names no time after " + now));
        }
        if (schedule.getRequest() == null) {
            problems.add(new Violation("request", "is required: the task every run submits"));
        } else if (problems.isEmpty()) {
            Instant slot = spec.next(now);
            TaskRequest run = runRequest(schedule, ScheduleRuns.taskId(schedule.getScheduleId(), slot), slot, null,
                now);
            validator.check(run, now).forEach(v -> problems.add(new Violation("request." + v.field(), v.reason())));
        }
        return problems;
    }

    /**
     * The request of the run {@code taskId} of {@code slot}: the template, with the run id as task id and
     * idempotency key, the schedule and slot in its headers, a deadline {@code runDeadlineMs} after the slot, and
     * {@code notBefore} (null: at once).
     */
    public static TaskRequest runRequest(Schedule schedule, String taskId, Instant slot, Instant notBefore,
                                         Instant now) {
        TaskRequest template = schedule.getRequest();
        Map<String, String> headers = new HashMap<>(template.getHeaders());
        headers.put(Wire.SCHEDULE_HEADER, schedule.getScheduleId());
        headers.put(Wire.SCHEDULE_SLOT_HEADER, slot.toString());
        Long runDeadline = schedule.getRunDeadlineMs();
        return TaskRequest.newBuilder(template).setTaskId(taskId).setIdempotencyKey(taskId).setSubmittedAt(now)
            .setNotBefore(notBefore).setDeadline(runDeadline == null ? null : slot.plusMillis(runDeadline))
            .setSubmittedBy(template.getSubmittedBy() != null ? template.getSubmittedBy()
                : ScheduleRuns.PREFIX + schedule.getScheduleId())
            .setHeaders(headers).build();
    }
}
