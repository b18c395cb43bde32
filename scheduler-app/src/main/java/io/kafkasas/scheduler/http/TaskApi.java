package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /tasks}: validates the JSON request as the intake will, then produces it to the requests topic and
 * answers once Kafka has it (acks=all):
 * <ul>
 *   <li>202 {@code {"taskId": ..., "idempotencyKey": ...}} — accepted (the key defaults to the task id);</li>
 *   <li>200 {@code {"taskId": <first>, "idempotencyKey": ..., "duplicate": true}} — the key was seen within the
 *       window;</li>
 *   <li>400 {@code {"error": ..., "violations": [{"field", "reason"}]}} — invalid;</li>
 *   <li>413 — body or payload over {@code scheduler.max.payload.bytes}; 503 {@code {"taskId", "idempotencyKey",
 *       "error"}} — Kafka did not acknowledge; a retry with those ids cannot run the task twice.</li>
 * </ul>
 * {@code POST /tasks/{id}/cancel} asks the supervisor to cancel a task: 202 once the request is on Kafka.
 * Submitting needs the submit role, cancelling the operate role. A request without {@code submittedBy} is
 * submitted by the caller's token name.
 */
public final class TaskApi {

    /** Room for the JSON around the payload, and base64's 4/3 growth. */
    private static final int ENVELOPE_BYTES = 64 * 1024;
    private static final Duration ACK_WAIT = TaskClient.MAX_SEND.plusSeconds(5);
    private static final int DRAIN_BYTES = 64 * 1024 * 1024;
    private static final Pattern CANCEL = Pattern.compile("/tasks/([^/]+)/cancel");

    private TaskApi() {
    }

    /**
     * The routes; {@code firstTaskOf} finds the task id an idempotency key already stands for (empty when unknown
     * or not answerable here).
     */
    public static Map<String, Route> routes(TaskClient client, RequestValidator validator,
                                            Function<String, Optional<String>> firstTaskOf, Clock clock) {
        return Map.of("/tasks", new HttpApi.Guarded(exchange -> CANCEL.matcher(exchange.getRequestURI().getPath())
            .matches() ? Role.OPERATE : Role.SUBMIT, exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                return Response.error(405, "Use POST /tasks with a JSON task request, or POST /tasks/{id}/cancel");
            }
            Matcher cancel = CANCEL.matcher(exchange.getRequestURI().getPath());
            if (cancel.matches()) {
                return cancel(client, URLDecoder.decode(cancel.group(1), StandardCharsets.UTF_8), exchange);
            }
            if (!"/tasks".equals(exchange.getRequestURI().getPath())) {
                return Response.error(404, "Use POST /tasks or POST /tasks/{id}/cancel");
            }
            return submit(exchange, client, validator, firstTaskOf, clock.instant());
        }));
    }

    private static Response submit(HttpExchange exchange, TaskClient client, RequestValidator validator,
                                   Function<String, Optional<String>> firstTaskOf, Instant now) throws IOException {
        JsonNode json;
        try {
            json = json(exchange, validator);
        } catch (Refusal refused) {
            return refused.answer;
        }
        JsonRequests.Parsed parsed = JsonRequests.parse(json, now);
        if (parsed.request() != null && parsed.request().getSubmittedBy() == null) {
            parsed.request().setSubmittedBy(HttpApi.callerName(exchange));
        }
        List<Violation> violations = new ArrayList<>(parsed.violations());
        if (parsed.request() != null) {
            violations.addAll(validator.check(parsed.request(), now));
        }
        if (violations.stream().anyMatch(v -> v.field().equals("payload") && v.reason().contains("over the limit"))) {
            return Response.error(413, violations.toString());
        }
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        // a key the caller gave may have been used; the fresh task id of a request with neither cannot have been
        boolean mayRepeat = parsed.request().getIdempotencyKey() != null || parsed.request().getTaskId() != null;
        TaskRequest request = TaskClient.identified(parsed.request());
        Optional<String> first = mayRepeat ? firstTaskOf.apply(request.getIdempotencyKey()) : Optional.empty();
        if (first.isPresent()) {
            return Response.json(200, Map.of("taskId", first.get(), "idempotencyKey", request.getIdempotencyKey(),
                "duplicate", true));
        }
        return acknowledged(client.submit(request), Map.of("taskId", request.getTaskId(), "idempotencyKey",
            request.getIdempotencyKey()));
    }

    /** A request's JSON body could not be read: the answer that says why. */
    static final class Refusal extends Exception {
        final transient Response answer;

        Refusal(Response answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** 200 with {@code answer} once {@code sent} is acknowledged; 503 otherwise. */
    static Response written(CompletableFuture<String> sent, Map<String, Object> answer) {
        Response written = acknowledged(sent, answer);
        return written.status() == 202 ? Response.json(200, answer) : written;
    }

    /** The JSON body of {@code exchange}, which may hold a task's payload; 413 over the limit, 400 if not JSON. */
    static JsonNode json(HttpExchange exchange, RequestValidator validator) throws IOException, Refusal {
        int limit = validator.maxPayloadBytes() * 4 / 3 + ENVELOPE_BYTES;
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                // read the rest (up to a bound) so the client gets the 413 instead of a reset connection
                in.readNBytes(DRAIN_BYTES);
            }
        }
        if (body.length > limit) {
            throw new Refusal(Response.error(413, "The request body is over " + limit + " bytes; the payload limit"
                + " is " + validator.maxPayloadBytes() + " bytes (scheduler.max.payload.bytes)"));
        }
        try {
            return body.length == 0 ? HttpApi.JSON.nullNode() : HttpApi.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refusal(Response.error(400, "The body is not valid JSON: " + e.getOriginalMessage()));
        }
    }

    /** {@code POST /tasks/{id}/cancel}, optional body {@code {"reason": "..."}}: 202 once Kafka has the request. */
    private static Response cancel(TaskClient client, String taskId, HttpExchange exchange) throws IOException {
        if (!RequestValidator.isTaskId(taskId)) {
            return Response.error(400, "No task can have that id: a task id is 1-200 characters of"
                + " A-Z a-z 0-9 . _ : @ + = -");
        }
        String caller = HttpApi.callerName(exchange);
        String reason = "cancelled through the HTTP API" + (caller != null ? " by " + caller : "");
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(ENVELOPE_BYTES);
        }
        if (body.length > 0) {
            try {
                reason = HttpApi.JSON.readTree(body).path("reason").asText(reason);
            } catch (JsonProcessingException e) {
                return Response.error(400, "The body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        return acknowledged(client.cancel(taskId, reason), Map.of("taskId", taskId, "cancel", "requested"));
    }

    /**
     * 202 with {@code ids} once {@code sent} is acknowledged; otherwise 503 with the same {@code ids}, so that a retry
     * with them is dropped as a duplicate should the first try have been written after all. The wait outlasts the
     * client's own time-outs ({@link TaskClient#MAX_SEND}): a 503 never comes while the send may still succeed.
     */
    static Response acknowledged(CompletableFuture<String> sent, Map<String, Object> ids) {
        String failure;
        try {
            sent.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return Response.json(202, ids);
        } catch (ExecutionException e) {
            failure = "Kafka did not acknowledge the request (" + e.getCause() + ")";
        } catch (TimeoutException e) {
            failure = "Kafka did not acknowledge the request within " + ACK_WAIT.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "Interrupted while submitting";
        }
        Map<String, Object> body = new LinkedHashMap<>(ids);
        body.put("error", failure + "; retry with the same taskId and idempotencyKey, which never runs it twice");
        return Response.json(503, body);
    }

    private static Response invalid(List<Violation> violations) {
        return invalid("task request", violations);
    }

    /** 400 listing every violation of what was asked for ({@code what}). */
    static Response invalid(String what, List<Violation> violations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "Invalid " + what + ": " + violations.size() + " problem(s)");
        body.put("violations", violations.stream().map(v -> Map.of("field", v.field(), "reason", v.reason()))
            .toList());
        return Response.json(400, body);
    }
}
