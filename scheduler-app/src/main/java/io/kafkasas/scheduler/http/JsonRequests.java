package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.Times;
import io.kafkasas.schemas.requests.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON body of {@code POST /tasks} into a task request. Unknown fields are refused (a typo must not be
 * silently ignored); every problem is reported with its field.
 *
 * <pre>{@code
 * {"type": "shell", "queue": "default", "payload": {"command": "echo", "args": ["hi"]},
 *  "idempotencyKey": "order-42", "delayMs": 5000, "executionTimeoutMs": 60000,
 *  "retryPolicy": {"maxAttempts": 5}}
 * }</pre>
 *
 * {@code payload} is any JSON value, kept as its JSON text ({@code application/json}); {@code payloadBase64}
 * carries bytes instead, with an optional {@code contentType}. Times are ISO-8601 ({@code deadline},
 * {@code notBefore}); {@code delayMs} is a shorthand for {@code notBefore = now + delayMs}.
 */
public final class JsonRequests {

    private static final Set<String> FIELDS = Set.of("type", "queue", "taskId", "idempotencyKey", "payload",
        "payloadBase64", "contentType", "priority", "executionTimeoutMs", "deadline", "notBefore", "delayMs",
        "retryPolicy", "submittedBy", "headers", "limitKey");
    private static final Set<String> POLICY_FIELDS = Set.of("initialIntervalMs", "backoffCoefficient",
        "maxIntervalMs", "maxAttempts", "nonRetryableErrorTypes");

    private JsonRequests() {
    }

    /** The outcome: the request as read (null without a type) and what prevented reading it fully. */
    public record Parsed(TaskRequest request, List<Violation> violations) {
    }

    public static Parsed parse(JsonNode body, Instant now) {
        Contracts.trust();
        List<Violation> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Parsed(null, List.of(new Violation("(body)", "must be a JSON object")));
        }
        unknownFields(body, FIELDS, "", problems);
        TaskRequest.Builder request = TaskRequest.newBuilder().setSubmittedAt(now);
        String type = text(body, "type", problems);
        if (type == null) {
            problems.add(new Violation("type", "is required"));
        } else {
            request.setType(type);
        }
        String queue = text(body, "queue", problems);
        if (queue != null) {
            request.setQueue(queue);
        }
        request.setTaskId(text(body, "taskId", problems)).setIdempotencyKey(text(body, "idempotencyKey", problems))
            .setSubmittedBy(text(body, "submittedBy", problems)).setLimitKey(text(body, "limitKey", problems));
        payload(body, request, problems);
        if (body.has("priority")) {
            request.setPriority((int) number(body, "priority", problems, 0));
        }
        if (body.has("executionTimeoutMs")) {
            request.setExecutionTimeoutMs(number(body, "executionTimeoutMs", problems, 0));
        }
        request.setDeadline(time(body, "deadline", problems));
        request.setNotBefore(time(body, "notBefore", problems));
        if (body.has("delayMs")) {
            long delay = number(body, "delayMs", problems, 0);
            if (body.has("notBefore")) {
                problems.add(new Violation("delayMs", "cannot be given together with notBefore"));
            } else if (delay < 0) {
                problems.add(new Violation("delayMs", "must not be negative, was " + delay));
            } else {
                request.setNotBefore(Times.plusMillis(now, delay)); // the validator refuses it if too far
            }
        }
        if (body.has("retryPolicy")) {
            request.setRetryPolicy(retryPolicy(body.get("retryPolicy"), problems));
        }
        request.setHeaders(headers(body, problems));
        // the request as far as it could be read, so the caller can report the validator's findings too
        return new Parsed(type == null ? null : request.build(), problems);
    }

    private static void payload(JsonNode body, TaskRequest.Builder request, List<Violation> problems) {
        if (body.has("payload") && body.has("payloadBase64")) {
            problems.add(new Violation("payload", "give payload or payloadBase64, not both"));
        } else if (body.has("payload")) {
            request.setPayload(ByteBuffer.wrap(body.get("payload").toString().getBytes(StandardCharsets.UTF_8)))
                .setContentType("application/json");
        } else if (body.has("payloadBase64")) {
            String encoded = text(body, "payloadBase64", problems);
            try {
                request.setPayload(ByteBuffer.wrap(Base64.getDecoder().decode(encoded == null ? "" : encoded)));
            } catch (IllegalArgumentException e) {
                problems.add(new Violation("payloadBase64", "is not valid base64"));
            }
        }
        if (body.has("contentType")) {
            request.setContentType(text(body, "contentType", problems));
        }
    }

    private static RetryPolicy retryPolicy(JsonNode node, List<Violation> problems) {
        if (!node.isObject()) {
            problems.add(new Violation("retryPolicy", "must be an object"));
            return null;
        }
        unknownFields(node, POLICY_FIELDS, "retryPolicy.", problems);
        RetryPolicy.Builder policy = RetryPolicy.newBuilder();
        if (node.has("initialIntervalMs")) {
            policy.setInitialIntervalMs(number(node, "initialIntervalMs", problems, 0));
        }
        if (node.has("maxIntervalMs")) {
            policy.setMaxIntervalMs(number(node, "maxIntervalMs", problems, 0));
        }
        if (node.has("maxAttempts")) {
            long attempts = number(node, "maxAttempts", problems, 0);
            if (attempts != (int) attempts) {
                problems.add(new Violation("maxAttempts", "is out of range, was " + attempts));
            }
            policy.setMaxAttempts((int) attempts);
        }
        if (node.has("backoffCoefficient")) {
            JsonNode value = node.get("backoffCoefficient");
            if (value.isNumber()) {
                policy.setBackoffCoefficient(value.asDouble());
            } else {
                problems.add(new Violation("retryPolicy.backoffCoefficient", "must be a number"));
            }
        }
        if (node.has("nonRetryableErrorTypes")) {
            List<String> types = new ArrayList<>();
            node.get("nonRetryableErrorTypes").forEach(t -> types.add(t.asText()));
            policy.setNonRetryableErrorTypes(types);
        }
        return policy.build();
    }

    private static Map<String, String> headers(JsonNode body, List<Violation> problems) {
        Map<String, String> headers = new HashMap<>();
        JsonNode node = body.get("headers");
        if (node == null) {
            return headers;
        }
        if (!node.isObject()) {
            problems.add(new Violation("headers", "must be an object of strings"));
            return headers;
        }
        node.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    static void unknownFields(JsonNode node, Set<String> known, String prefix, List<Violation> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(new Violation(prefix + name, "is not a known field; known: " + known));
            }
        }
    }

    static String text(JsonNode body, String field, List<Violation> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new Violation(field, "must be a string"));
            return null;
        }
        return value.asText();
    }

    static long number(JsonNode body, String field, List<Violation> problems, long fallback) {
        JsonNode value = body.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            problems.add(new Violation(field, "must be a whole number"));
            return fallback;
        }
        return value.asLong();
    }

    static Instant time(JsonNode body, String field, List<Violation> problems) {
        String value = text(body, field, problems);
        if (value == null) {
            return null;
        }
        try {
            Instant time = Instant.parse(value);
            if (!time.equals(Times.clamp(time))) {
                problems.add(new Violation(field, "must lie between " + Times.EARLIEST + " and " + Times.LATEST
                    + ", was " + value));
                return null;
            }
            return time;
        } catch (DateTimeParseException e) {
            problems.add(new Violation(field, "must be an ISO-8601 instant such as 2026-11-28T09:00:00Z, was '"
                + value + "'"));
            return null;
        }
    }
}
