package io.kafkasas.ops.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.fuzz.Mutator;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bad HTTP requests to every app of a stack: task requests, schedules and pipelines near a valid one, methods and
 * paths that do not exist, absurd query strings and ids, missing, malformed and unknown credentials, and bytes that
 * are not HTTP at all.
 * An answer of 500 or more is a failure; so is no answer to a well-formed request.
 */
final class HttpFuzz {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final List<String> PATHS = List.of("/tasks", "/tasks/x/cancel", "/tasks/%2e%2e%2fetc", "/agents",
        "/hosts", "/health", "/metrics", "/openapi.yaml", "/slots", "/nope", "/tasks/%00", "/tasks/" + "a".repeat(
            5000), "/tasks/t-1/cancel/more", "//tasks", "/tasks?limit=1", "/schedules", "/schedules/x",
        "/schedules/x/pause", "/schedules/x/backfill", "/schedules/%00/trigger", "/schedules/" + "a".repeat(5000),
        "/schedules?limit=-1", "/pipelines", "/pipelines/x", "/pipelines/x/cancel", "/pipelines?limit=x",
        // the dashboard's (its event stream aside: it answers for as long as the caller listens)
        "/", "/index.html", "/webjars/x", "/webjars/../../etc/passwd", "/%2e%2e/x", "/login", "/logout", "/api/me",
        "/api/supervisor/tasks", "/api/supervisor/tasks/%00", "/api/supervisor/nope", "/api/scheduler/tasks",
        "/api/scheduler/tasks/x/cancel", "/api/scheduler/schedules/x/pause", "/api/scheduler/limits/x",
        "/api/agents/x/drain", "/api/agents/x/nope", "/api/agents/", "/api/dead-letters?limit=0",
        "/api/dead-letters?before=x", "/api/dead-letters/replay");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final LocalApps apps;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectNode valid = (ObjectNode) HttpApi.JSON.valueToTree(Map.of("type", "noop",
        "idempotencyKey", "fuzz", "executionTimeoutMs", 30_000, "delayMs", 10, "submittedBy", "fuzz",
        "headers", Map.of("trace", "a"), "retryPolicy", Map.of("maxAttempts", 2, "initialIntervalMs", 100)));
    private final ObjectNode schedule = (ObjectNode) HttpApi.JSON.valueToTree(Map.of("spec", "*/5 * * * *",
        "timeZone", "Europe/Berlin", "overlap", "SKIP", "catchUpWindowMs", 60_000, "jitterMs", 100,
        "task", Map.of("type", "noop", "retryPolicy", Map.of("maxAttempts", 2))));
    private final ObjectNode pipeline = (ObjectNode) HttpApi.JSON.valueToTree(Map.of("name", "fuzz", "steps", List.of(
        Map.of("name", "a", "task", Map.of("type", "noop")),
        Map.of("name", "b", "dependsOn", List.of("a"), "task", Map.of("type", "noop", "payload",
            Map.of("from", "${steps.a.result}")), "compensation", Map.of("type", "noop")))));
    private final Map<String, Long> answers = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    HttpFuzz(LocalApps apps) {
        this.apps = apps;
    }

    /** Sends one bad request, chosen by {@code mutator}. */
    void send(Mutator mutator) {
        int kind = mutator.nextInt(10);
        if (kind < 4) {
            send("scheduler", apps.authorized(request(apps.schedulerUrl() + "/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mutator.mutateJson(valid))).build());
        } else if (kind == 4 && mutator.nextInt(2) == 0) {
            send("scheduler", apps.authorized(request(apps.schedulerUrl() + "/schedules/fuzz-" + mutator.nextInt(5)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(mutator.mutateJson(schedule))).build());
        } else if (kind == 4) {
            send("scheduler", apps.authorized(request(apps.schedulerUrl() + "/pipelines"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mutator.mutateJson(pipeline))).build());
        } else if (kind < 8) {
            List<String> bases = bases();
            String base = bases.get(mutator.nextInt(bases.size()));
            String path = kind == 7 ? "/tasks?limit=" + junk(mutator) + "&state=" + junk(mutator) + "&after="
                + junk(mutator) : PATHS.get(mutator.nextInt(PATHS.size()));
            HttpRequest.Builder request = request(base + path).method(METHODS.get(mutator.nextInt(METHODS.size())),
                HttpRequest.BodyPublishers.ofByteArray(mutator.randomBytes(256)));
            switch (mutator.nextInt(5)) {
                case 0 -> apps.authorized(request);
                case 1 -> request.header(Wire.AUTHORIZATION, Wire.bearer("x".repeat(1 + mutator.nextInt(64))));
                case 2 -> request.header(Wire.AUTHORIZATION, "Basic " + junk(mutator));
                case 3 -> request.header("Cookie", Wire.SESSION_COOKIE + "=" + junk(mutator)).header(Wire.CSRF_HEADER,
                    junk(mutator));
                default -> { }
            }
            send(base, request.build());
        } else {
            notHttp(mutator);
        }
    }

    /** The apps' addresses: the scheduler, the supervisor, the agent host and the dashboard if it runs. */
    private List<String> bases() {
        List<String> bases = new ArrayList<>(List.of(apps.schedulerUrl(), apps.supervisorUrl(), apps.hostUrl()));
        if (apps.dashboardUrl() != null) {
            bases.add(apps.dashboardUrl());
        }
        return bases;
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
    }

    /** URL-safe junk: absurd numbers, words, nothing. */
    private static String junk(Mutator mutator) {
        return List.of("-1", "0", "99999999999999999999", "NaN", "%00", "RUNNING", "", "1e9", "%ff%fe",
            "a".repeat(3000)).get(mutator.nextInt(10));
    }

    private void send(String app, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            answers.merge(Integer.toString(response.statusCode()), 1L, Long::sum);
            if (response.statusCode() >= 500) {
                failures.add(request.method() + " " + abbreviated(request.uri()) + " -> " + response.statusCode() + " "
                    + response.body());
            }
        } catch (IOException e) {
            failures.add(request.method() + " " + abbreviated(request.uri()) + " to the " + app + ": no answer ("
                + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
        }
    }

    /** Random bytes where a request belongs: answered 400 or closed, either way the app goes on. */
    private void notHttp(Mutator mutator) {
        List<String> bases = bases();
        URI target = URI.create(bases.get(mutator.nextInt(bases.size())));
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(mutator.randomBytes(2048));
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().readNBytes(12);
            answers.merge("not HTTP", 1L, Long::sum);
        } catch (IOException e) {
            answers.merge("not HTTP (closed)", 1L, Long::sum);
        }
    }

    private static String abbreviated(URI uri) {
        String text = uri.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    /** How the apps answered: status code (or "not HTTP") to count. */
    Map<String, Long> answers() {
        return answers;
    }

    /** Requests answered 500 or more, or not at all. */
    List<String> failures() {
        return failures;
    }
}
