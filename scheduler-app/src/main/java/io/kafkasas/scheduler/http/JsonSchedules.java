package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleCatchUp;
import io.kafkasas.avro.ScheduleOverlap;
import io.kafkasas.avro.ScheduleRun;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schedules.ScheduleMachine;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.requests.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Schedules as JSON: the body of {@code PUT /schedules/{id}} read into a schedule (unknown fields refused, every
 * problem named), and a schedule's state written for {@code GET}.
 *
 * <pre>{@code
 * {"spec": "*&#47;5 * * * *", "timeZone": "Europe/Berlin", "overlap": "SKIP", "catchUpWindowMs": 300000,
 *  "task": {"type": "shell", "payload": {"command": "backup.sh"}, "retryPolicy": {"maxAttempts": 2}}}
 * }</pre>
 */
public final class JsonSchedules {

    private static final Set<String> FIELDS = Set.of("scheduleId", "spec", "timeZone", "task", "overlap",
        "catchUp", "catchUpWindowMs", "jitterMs", "runDeadlineMs", "startAt", "endAt", "paused", "pauseNote");
    /** A run's id, key and times are the schedule's to set. */
    private static final Set<String> NOT_IN_TEMPLATE = Set.of("taskId", "idempotencyKey", "deadline",
        "notBefore", "delayMs");
    private static final int UPCOMING = 5;

    private JsonSchedules() {
    }

    /** The outcome: the schedule as read (null when it could not be) and what prevented reading it fully. */
    public record Parsed(Schedule schedule, List<Violation> violations) {
    }

    /** {@code body} as the schedule {@code id}, changed now by {@code by}. */
    public static Parsed parse(JsonNode body, String id, Instant now, String by) {
        Contracts.trust();
        List<Violation> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Parsed(null, List.of(new Violation("(body)", "must be a JSON object")));
        }
        JsonRequests.unknownFields(body, FIELDS, "", problems);
        String named = JsonRequests.text(body, "scheduleId", problems);
        if (named != null && !named.equals(id)) {
            problems.add(new Violation("scheduleId", "must equal the id in the path '" + id + "', was '" + named
                + "'"));
        }
        Schedule.Builder schedule = Schedule.newBuilder().setScheduleId(id).setUpdatedAt(now).setUpdatedBy(by);
        String spec = JsonRequests.text(body, "spec", problems);
        if (spec == null) {
            problems.add(new Violation("spec", "is required: a cron expression, a macro such as @hourly, or an"
                + " interval such as 'every 30s'"));
        }
        schedule.setCron(spec == null ? "" : spec);
        String zone = JsonRequests.text(body, "timeZone", problems);
        if (zone != null) {
            schedule.setTimeZone(zone);
        }
        schedule.setRequest(template(body.get("task"), now, problems));
        schedule.setOverlap(choice(body, "overlap", ScheduleOverlap.class, ScheduleOverlap.SKIP, problems));
        schedule.setCatchUp(choice(body, "catchUp", ScheduleCatchUp.class, ScheduleCatchUp.ALL, problems));
        if (body.has("catchUpWindowMs")) {
            schedule.setCatchUpWindowMs(JsonRequests.number(body, "catchUpWindowMs", problems, 0));
        }
        if (body.has("jitterMs")) {
            schedule.setJitterMs(JsonRequests.number(body, "jitterMs", problems, 0));
        }
        if (body.has("runDeadlineMs")) {
            schedule.setRunDeadlineMs(JsonRequests.number(body, "runDeadlineMs", problems, 0));
        }
        schedule.setStartAt(JsonRequests.time(body, "startAt", problems));
        schedule.setEndAt(JsonRequests.time(body, "endAt", problems));
        JsonNode paused = body.get("paused");
        if (paused != null && !paused.isBoolean()) {
            problems.add(new Violation("paused", "must be true or false"));
        }
        schedule.setPaused(paused != null && paused.asBoolean());
        schedule.setPauseNote(JsonRequests.text(body, "pauseNote", problems));
        return new Parsed(schedule.build(), problems);
    }

    private static TaskRequest template(JsonNode task, Instant now, List<Violation> problems) {
        if (task == null || !task.isObject()) {
            problems.add(new Violation("task", "is required: the task every run submits, as for POST /tasks"));
            return TaskRequest.newBuilder().setType("").setSubmittedAt(now).build();
        }
        NOT_IN_TEMPLATE.stream().filter(task::has).sorted().forEach(field -> problems.add(new Violation("task."
            + field, "is set by the schedule for each run (runDeadlineMs gives each run a deadline)")));
        JsonRequests.Parsed parsed = JsonRequests.parse(task, now);
        parsed.violations().forEach(v -> problems.add(new Violation("task." + v.field(), v.reason())));
        return parsed.request() != null ? parsed.request()
            : TaskRequest.newBuilder().setType("").setSubmittedAt(now).build();
    }

    private static <E extends Enum<E>> E choice(JsonNode body, String field, Class<E> type, E fallback,
                                                List<Violation> problems) {
        String value = JsonRequests.text(body, field, problems);
        if (value == null) {
            return fallback;
        }
        List<String> known = Arrays.stream(type.getEnumConstants()).map(Enum::name)
            .filter(name -> !name.equals("UNKNOWN")).toList();
        String upper = value.toUpperCase(Locale.ROOT);
        if (!known.contains(upper)) {
            problems.add(new Violation(field, "must be one of " + known + ", was '" + value + "'"));
            return fallback;
        }
        return Enum.valueOf(type, upper);
    }

    /** A schedule as {@code GET /schedules/{id}} shows it: its definition, next and recent runs, counts. */
    public static Map<String, Object> view(ScheduleState state) {
        Schedule schedule = state.getSchedule();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("scheduleId", schedule.getScheduleId());
        view.put("spec", schedule.getCron());
        view.put("timeZone", schedule.getTimeZone());
        view.put("paused", schedule.getPaused());
        view.put("pauseNote", schedule.getPauseNote());
        view.put("overlap", schedule.getOverlap().name());
        view.put("catchUp", schedule.getCatchUp().name());
        view.put("catchUpWindowMs", schedule.getCatchUpWindowMs());
        view.put("jitterMs", schedule.getJitterMs());
        view.put("runDeadlineMs", schedule.getRunDeadlineMs());
        view.put("startAt", text(schedule.getStartAt()));
        view.put("endAt", text(schedule.getEndAt()));
        view.put("task", Map.of("type", schedule.getRequest().getType(), "queue", schedule.getRequest().getQueue()));
        view.put("updatedAt", text(schedule.getUpdatedAt()));
        view.put("updatedBy", schedule.getUpdatedBy());
        view.put("nextRuns", ScheduleMachine.upcoming(state, UPCOMING).stream().map(Instant::toString).toList());
        view.put("activeRuns", state.getActiveRuns());
        view.put("bufferedSlot", text(state.getBufferedSlot()));
        view.put("recentRuns", state.getRecentRuns().stream().map(JsonSchedules::run).toList());
        view.put("fired", state.getFired());
        view.put("skipped", state.getSkipped());
        view.put("missed", state.getMissed());
        view.put("lastMissedSlot", text(state.getLastMissedSlot()));
        return view;
    }

    private static Map<String, Object> run(ScheduleRun run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("slot", run.getSlot().toString());
        view.put("state", run.getState().name());
        view.put("taskId", run.getTaskId());
        view.put("firedAt", text(run.getFiredAt()));
        view.put("manual", run.getManual());
        return view;
    }

    private static String text(Instant time) {
        return time == null ? null : time.toString();
    }
}
