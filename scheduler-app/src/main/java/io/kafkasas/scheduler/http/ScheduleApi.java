package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.ScheduleState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.scheduler.schedules.ScheduleTopology;
import io.kafkasas.schedules.ScheduleMachine;
import io.kafkasas.schedules.ScheduleRules;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.Violation;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Schedules over HTTP. Changes go to the compacted schedules topic (answered once Kafka has them); reads come from
 * the scheduler's schedule store, from the instance that holds the schedule (a call for a schedule another
 * instance holds is passed to it with the caller's credential).
 * <ul>
 *   <li>{@code PUT /schedules/{id}} — create or replace (operate role); 200 with the next runs, 400 with every
 *   problem;</li>
 *   <li>{@code DELETE /schedules/{id}} — no more runs; runs already fired go on;</li>
 *   <li>{@code POST /schedules/{id}/pause} ({@code {"note": ...}}), {@code /resume};</li>
 *   <li>{@code POST /schedules/{id}/trigger} — one run now, outside the slots, whatever the overlap policy;</li>
 *   <li>{@code POST /schedules/{id}/backfill} ({@code {"from": ..., "to": ...}}) — the slots of a past range, each
 *   under its own run id, so a slot that already ran within the de-duplication window does not run again;</li>
 *   <li>{@code GET /schedules/{id}} — definition, next runs, recent runs with their outcome, missed slots;
 *   {@code GET /schedules?limit=&after=} — all, by id (read role).</li>
 * </ul>
 */
public final class ScheduleApi extends StoreApi {

    private static final Pattern ONE = Pattern.compile("/schedules/([^/]+)(?:/(pause|resume|trigger|backfill))?");
    private static final int MAX_BACKFILL = 10_000;
    private static final InstanceQueries.Listing LISTING = new InstanceQueries.Listing("/schedules", "schedules",
        "scheduleId", 100, 10_000);


    public ScheduleApi(Parts parts) {
        super(parts);
    }

    public Map<String, Route> routes() {
        return readOrOperate("/schedules", this::handle);
    }

    private Response handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = InstanceQueries.query(exchange.getRequestURI());
        if (path.equals("/schedules") || path.equals("/schedules/")) {
            return "GET".equals(method) ? list(query) : Response.error(405,
                "Use GET /schedules, or PUT /schedules/{id} with a schedule");
        }
        Matcher one = ONE.matcher(path);
        if (!one.matches()) {
            return Response.error(404, "Use /schedules/{id}, or POST /schedules/{id}/pause|resume|trigger|backfill");
        }
        String id = URLDecoder.decode(one.group(1), StandardCharsets.UTF_8);
        if (!ScheduleRuns.isScheduleId(id)) {
            return Response.error(400, "No schedule can have that id: 1-100 characters of A-Z a-z 0-9 . _ -");
        }
        String action = one.group(2);
        if (action == null ? !List.of("GET", "PUT", "DELETE").contains(method) : !"POST".equals(method)) {
            return Response.error(405, action == null ? "Use GET, PUT or DELETE on /schedules/{id}"
                : "Use POST /schedules/{id}/" + action);
        }
        JsonNode body;
        try {
            body = TaskApi.json(exchange, validator);
        } catch (TaskApi.Refusal refused) {
            return refused.answer;
        }
        boolean readsState = action != null || "GET".equals(method);
        Optional<HostInfo> holder = readsState && !query.containsKey(InstanceQueries.LOCAL)
            ? instances.holderElsewhere(streams, ScheduleTopology.STORE, id) : Optional.empty();
        if (holder.isPresent()) {
            return instances.forward(holder.get(), method, path + "?" + InstanceQueries.LOCAL + "=true",
                HttpApi.JSON.writeValueAsBytes(body), exchange.getRequestHeaders().getFirst(Wire.AUTHORIZATION));
        }
        if (action == null) {
            return switch (method) {
                case "GET" -> state(id).map(s -> Response.json(200, JsonSchedules.view(s)))
                    .orElseGet(() -> unknown(id));
                case "PUT" -> put(id, body, HttpApi.callerName(exchange));
                default -> TaskApi.written(client.deleteSchedule(id), Map.of("scheduleId", id, "deleted", true));
            };
        }
        Optional<ScheduleState> state = state(id);
        if (state.isEmpty()) {
            return unknown(id);
        }
        Schedule current = state.get().getSchedule();
        Instant now = clock.instant();
        String by = HttpApi.callerName(exchange);
        return switch (action) {
            case "pause" -> change(Schedule.newBuilder(current).setPaused(true)
                .setPauseNote(body.path("note").asText(null)).setUpdatedAt(now).setUpdatedBy(by).build());
            case "resume" -> change(Schedule.newBuilder(current).setPaused(false).setPauseNote(null)
                .setUpdatedAt(now).setUpdatedBy(by).build());
            case "trigger" -> submit(List.of(ScheduleRules.runRequest(current, ScheduleRuns.manualTaskId(id, now),
                now, null, now)));
            default -> backfill(current, body, now);
        };
    }

    private Response put(String id, JsonNode body, String by) {
        Instant now = clock.instant();
        JsonSchedules.Parsed parsed = JsonSchedules.parse(body, id, now, by);
        List<Violation> problems = new ArrayList<>(parsed.violations());
        if (parsed.schedule() != null) { // the rules' findings too, but one problem per field
            ScheduleRules.check(parsed.schedule(), validator, now).stream()
                .filter(rule -> problems.stream().noneMatch(p -> p.field().equals(rule.field())))
                .forEach(problems::add);
        }
        return problems.isEmpty() ? change(parsed.schedule()) : TaskApi.invalid("schedule", problems);
    }

    /** Writes {@code schedule}; 200 with its next runs once Kafka has it. */
    private Response change(Schedule schedule) {
        ScheduleState planned = ScheduleMachine.define(null, schedule, clock.instant(), Duration.ZERO).state();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scheduleId", schedule.getScheduleId());
        answer.put("paused", schedule.getPaused());
        answer.put("nextRuns", ScheduleMachine.upcoming(planned, 5).stream().map(Instant::toString).toList());
        return TaskApi.written(client.putSchedule(schedule), answer);
    }

    private Response backfill(Schedule schedule, JsonNode body, Instant now) {
        List<Violation> problems = new ArrayList<>();
        Instant from = JsonRequests.time(body, "from", problems);
        Instant to = JsonRequests.time(body, "to", problems);
        if (problems.isEmpty() && (from == null || to == null)) {
            problems.add(new Violation(from == null ? "from" : "to", "is required (an ISO-8601 instant)"));
        }
        if (problems.isEmpty() && to.isBefore(from)) {
            problems.add(new Violation("to", "must not be before from (" + from + ")"));
        }
        if (problems.isEmpty() && to.isAfter(now)) {
            problems.add(new Violation("to", "must not be in the future; the schedule fires those slots itself"));
        }
        if (!problems.isEmpty()) {
            return TaskApi.invalid("backfill", problems);
        }
        try {
            return submit(ScheduleMachine.backfill(schedule, from, to, now, MAX_BACKFILL));
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
    }

    /** Submits {@code runs}; 202 with their task ids once Kafka has every one. */
    private Response submit(List<TaskRequest> runs) {
        List<String> taskIds = runs.stream().map(TaskRequest::getTaskId).toList();
        CompletableFuture<?>[] sent = runs.stream().map(client::submit).toArray(CompletableFuture[]::new);
        return TaskApi.acknowledged(CompletableFuture.allOf(sent).thenApply(done -> ""), Map.of("taskIds", taskIds));
    }

    private Response list(Map<String, String> query) throws IOException {
        return instances.list(streams, ScheduleTopology.STORE, query, LISTING, JsonSchedules::view);
    }

    private Optional<ScheduleState> state(String id) {
        return InstanceQueries.<ScheduleState>store(streams, ScheduleTopology.STORE).map(store -> store.get(id));
    }

    private static Response unknown(String id) {
        return Response.error(404, "No schedule " + id + " is known to the scheduler (a schedule just written"
            + " shows within a second)");
    }
}
