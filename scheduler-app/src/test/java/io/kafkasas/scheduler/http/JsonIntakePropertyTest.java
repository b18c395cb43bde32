package io.kafkasas.scheduler.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.fuzz.Mutator;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A property of the HTTP intake: any body near a valid request (fields dropped, retyped, absurd, nested deeply, the
 * text broken) is either refused with reasons, each naming a field, or read into a request that obeys every rule
 * and survives the wire. Nothing throws, so no body can earn a 500.
 */
class JsonIntakePropertyTest {

    private static final int TRIES = 20_000;
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private final RequestValidator validator = new RequestValidator(RequestValidator.Limits.queuesOnly(
        Set.of("default", "bulk")));

    @Test
    void everyBodyShouldBeRefusedWithReasonsOrReadIntoAValidRequest() throws IOException {
        ObjectNode valid = (ObjectNode) HttpApi.JSON.valueToTree(Map.of("type", "shell", "queue", "bulk",
            "taskId", "t-1", "idempotencyKey", "order-42", "payload", Map.of("command", "echo"),
            "executionTimeoutMs", 30_000, "delayMs", 10, "submittedBy", "billing", "headers", Map.of("trace", "a"),
            "retryPolicy", Map.of("maxAttempts", 3, "initialIntervalMs", 100)));
        Mutator mutator = new Mutator(42);
        int unparsable = 0;
        int refused = 0;
        int accepted = 0;
        for (int i = 0; i < TRIES; i++) {
            byte[] body = mutator.mutateJson(valid);
            JsonNode json;
            try {
                json = HttpApi.JSON.readTree(body);
            } catch (JsonProcessingException e) {
                unparsable++; // 400 "not valid JSON"
                continue;
            }
            JsonRequests.Parsed parsed = JsonRequests.parse(json, NOW);
            List<Violation> violations = new ArrayList<>(parsed.violations());
            if (parsed.request() != null) {
                violations.addAll(validator.check(parsed.request(), NOW));
            }
            if (violations.isEmpty()) {
                accepted++;
                TaskRequest request = parsed.request();
                assertThat(TaskRequest.fromByteBuffer(request.toByteBuffer())).isEqualTo(request);
            } else {
                refused++;
                assertThat(violations).allSatisfy(v -> assertThat(v.field()).isNotBlank());
            }
        }
        assertThat(unparsable).isPositive();
        assertThat(refused).isPositive();
        assertThat(accepted).isPositive();
    }
}
