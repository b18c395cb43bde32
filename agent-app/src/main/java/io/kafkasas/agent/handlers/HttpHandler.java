package io.kafkasas.agent.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.handler.SettinglessHandler;
import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code http}: calls {@code {"url": ..., "method": "POST", "headers": {...}, "body": "...", "timeoutMs": 5000}}.
 * 2xx succeeds with the status and the tail of the body; 5xx, timeouts and connection failures are retryable;
 * 4xx is not (the request itself is wrong). The timeout is the payload's, capped by the attempt's deadline.
 */
public final class HttpHandler extends SettinglessHandler {

    private static final int BODY_TAIL = 4096;
    private static final long DEFAULT_TIMEOUT_MS = 30_000;

    private final HttpClient client;

    public HttpHandler() {
        super("http");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public byte[] run(TaskContext context) throws Exception {
        JsonNode payload = Payloads.object(context.payload(), name());
        HttpRequest request = request(payload, context.deadline());
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new TaskFailedException("http.timeout", request.method() + " " + request.uri() + " timed out", true);
        } catch (ConnectException e) {
            throw new TaskFailedException("http.connect", "Cannot connect to " + request.uri() + ": " + e, true);
        } catch (IOException e) {
            throw new TaskFailedException("http.io", request.method() + " " + request.uri() + " failed: " + e, true);
        }
        int status = response.statusCode();
        String body = Payloads.tail(response.body(), BODY_TAIL);
        if (status >= 500) {
            throw new TaskFailedException("http.5xx", request.uri() + " answered " + status, true, body);
        }
        if (status >= 400) {
            throw new TaskFailedException("http.4xx", request.uri() + " answered " + status, false, body);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("body", body);
        return Payloads.json(result);
    }

    private static HttpRequest request(JsonNode payload, Instant deadline) throws TaskFailedException {
        URI uri;
        try {
            uri = URI.create(payload.path("url").asText(""));
        } catch (IllegalArgumentException e) {
            throw new TaskFailedException("http.bad-payload", "url is not a valid URI: " + e.getMessage(), false);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new TaskFailedException("http.bad-payload", "url must be http:// or https://, was '" + uri + "'",
                false);
        }
        long timeout = payload.path("timeoutMs").asLong(DEFAULT_TIMEOUT_MS);
        if (deadline != null) {
            timeout = Math.max(1, Math.min(timeout, Duration.between(Instant.now(), deadline).toMillis()));
        }
        String body = payload.hasNonNull("body") ? payload.get("body").asText() : null;
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeout))
            .method(payload.path("method").asText(body == null ? "GET" : "POST").toUpperCase(java.util.Locale.ROOT),
                body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        payload.path("headers").fields().forEachRemaining(h -> builder.header(h.getKey(), h.getValue().asText()));
        return builder.build();
    }
}
