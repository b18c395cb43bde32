package io.kafkasas.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.client.TaskClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A mixed workload that shows what kafka-sas does: no-ops, sleeps of various lengths (some reporting progress),
 * shell commands from the allow-list, HTTP calls, failures, delayed tasks, a duplicate submission and invalid
 * requests; half submitted over Kafka with the Java client, half over the scheduler's HTTP API. A schedule that
 * runs {@code date -u} every few seconds, a release pipeline run twice (once through, once undone), and a limit on
 * the HTTP calls (a downstream service to spare): at most {@value #LIMIT_RATE} starts a second, {@value
 * #LIMIT_RUNNING} at once.
 */
final class DemoWorkload {

    /** A task the demo submitted and the kind of work it is. */
    record Submitted(String taskId, String kind) {
    }

    /** The demo's schedule, and how often it fires. */
    static final String SCHEDULE = "demo-date";
    static final int SCHEDULE_EVERY_SECONDS = 5;
    /** The limit the demo's HTTP calls count against. */
    static final String LIMIT = "demo-api";
    static final double LIMIT_RATE = 2;
    static final int LIMIT_RUNNING = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TaskClient client;
    private final TaskClient staleClient;
    private final LocalApps apps;
    private final String httpTarget;

    /** {@code staleClient}: one whose settings name a queue the scheduler does not have. */
    DemoWorkload(TaskClient client, TaskClient staleClient, LocalApps apps, String httpTarget) {
        this.httpTarget = httpTarget;
        this.client = client;
        this.staleClient = staleClient;
        this.apps = apps;
    }

    /** Submits {@code count} tasks plus a duplicate; returns the accepted ones and the refusals seen. */
    List<Submitted> submit(int count, List<String> refusals) throws IOException, InterruptedException {
        List<Submitted> submitted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String kind = kindOf(i);
            Map<String, Object> request = request(kind, i);
            String taskId = i % 2 == 0 ? overKafka(request) : overHttp(request, refusals);
            if (taskId != null) {
                submitted.add(new Submitted(taskId, kind));
            }
        }
        // the same idempotency key twice: the scheduler keeps one task
        Map<String, Object> once = new LinkedHashMap<>(Map.of("type", "noop", "idempotencyKey", "demo-once"));
        submitted.add(new Submitted(overKafka(once), "duplicate"));
        overKafka(once);
        // invalid requests: the HTTP API and the Java client explain at once; what reaches the scheduler over Kafka
        // anyway is answered with REJECTED
        overHttp(Map.of("type", "noop", "queue", "no-such-queue", "retries", 3), refusals);
        try {
            client.submit(TaskClient.request("noop").setExecutionTimeoutMs(-5L).build()).join();
        } catch (CompletionException e) {
            refusals.add("The Java client refused a request, as it should: " + e.getCause().getMessage());
        }
        try {
            submitted.add(new Submitted(staleClient.submit(TaskClient.request("noop").setQueue("retired").build())
                .get(), "invalid"));
        } catch (ExecutionException e) {
            throw new IOException("Kafka did not take a demo task: " + e.getCause(), e);
        }
        client.flush();
        return submitted;
    }

    private static String kindOf(int i) {
        int slot = i % 20;
        if (slot < 8) {
            return "noop";
        } else if (slot < 13) {
            return "sleep";
        } else if (slot < 15) {
            return "shell";
        } else if (slot < 16) {
            return "http";
        } else if (slot < 17) {
            return "failing";
        } else if (slot < 18) {
            return "delayed";
        }
        return "long";
    }

    private Map<String, Object> request(String kind, int i) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", switch (kind) {
            case "sleep", "failing", "long" -> "sleep";
            case "delayed" -> "noop";
            default -> kind;
        });
        switch (kind) {
            case "sleep" -> request.put("payload", Map.of("ms", 100 + (i * 37) % 1400));
            case "long" -> request.put("payload", Map.of("ms", 4000));
            case "failing" -> request.put("payload", Map.of("ms", 50, "fail", "demo failure #" + i));
            case "shell" -> request.put("payload", i % 3 == 0 ? Map.of("command", "uname", "args", List.of("-sm"))
                : Map.of("command", "echo", "args", List.of("hello from task", Integer.toString(i))));
            case "http" -> {
                request.put("payload", Map.of("url", httpTarget, "timeoutMs", 5000));
                request.put("limitKey", LIMIT);
            }
            case "delayed" -> request.put("delayMs", 5000);
            default -> { }
        }
        return request;
    }

    private String overKafka(Map<String, Object> request) throws IOException, InterruptedException {
        TaskRequest.Builder builder = TaskClient.request((String) request.get("type"));
        if (request.containsKey("payload")) {
            builder.setPayload(ByteBuffer.wrap(JSON.writeValueAsBytes(request.get("payload"))))
                .setContentType("application/json");
        }
        if (request.containsKey("delayMs")) {
            builder.setNotBefore(Instant.now().plusMillis(((Number) request.get("delayMs")).longValue()));
        }
        if (request.containsKey("idempotencyKey")) {
            builder.setIdempotencyKey((String) request.get("idempotencyKey"));
        }
        if (request.containsKey("limitKey")) {
            builder.setLimitKey((String) request.get("limitKey"));
        }
        if (request.containsKey("executionTimeoutMs")) {
            builder.setExecutionTimeoutMs(((Number) request.get("executionTimeoutMs")).longValue());
        }
        try {
            return client.submit(builder.build()).get();
        } catch (ExecutionException e) {
            throw new IOException("Kafka did not take a demo task: " + e.getCause(), e);
        }
    }

    /** Puts the demo's schedule: a shell task every few seconds, for as long as the stack runs. */
    void schedule() throws IOException, InterruptedException {
        Map<String, Object> schedule = Map.of("spec", "every " + SCHEDULE_EVERY_SECONDS + "s", "task", Map.of("type",
            "shell", "payload", Map.of("command", "date", "args", List.of("-u"))));
        HttpResponse<String> response = send("PUT", "/schedules/" + SCHEDULE, schedule);
        if (response.statusCode() != 200) {
            throw new IOException("The scheduler refused the demo schedule: " + response.statusCode() + " "
                + response.body());
        }
    }

    /** Sets the limit the demo's HTTP calls count against. */
    void limit() throws IOException, InterruptedException {
        HttpResponse<String> response = send("PUT", "/limits/" + LIMIT, Map.of("startsPerSecond", LIMIT_RATE,
            "maxRunning", LIMIT_RUNNING));
        if (response.statusCode() != 200) {
            throw new IOException("The scheduler refused the demo limit: " + response.statusCode() + " "
                + response.body());
        }
        Instant deadline = Instant.now().plusSeconds(10); // in force before the first task that counts against it
        while (send("GET", "/limits/" + LIMIT, null).statusCode() != 200 && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** The demo limit as the scheduler shows it: its use since the stack started. */
    JsonNode limitView() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/limits/" + LIMIT, null);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    /**
     * Submits the demo's release pipeline twice, {@code <prefix>-through} and {@code <prefix>-undone} (whose verify
     * step fails, so that deploy and package are undone); returns their ids.
     */
    List<String> pipelines(String prefix) throws IOException, InterruptedException {
        List<String> ids = List.of(prefix + "-through", prefix + "-undone");
        for (String id : ids) {
            HttpResponse<String> response = send("POST", "/pipelines", release(id, id.endsWith("-undone")));
            if (response.statusCode() != 202) {
                throw new IOException("The scheduler refused the demo pipeline: " + response.statusCode() + " "
                    + response.body());
            }
        }
        return ids;
    }

    /** build → test ‖ lint → package → deploy → verify; package and deploy can be undone. */
    private static Map<String, Object> release(String id, boolean verifyFails) {
        Map<String, Object> verify = new LinkedHashMap<>(Map.of("ms", 300));
        if (verifyFails) {
            verify.put("fail", "smoke test failed: /health answered 500");
        }
        return Map.of("pipelineId", id, "name", "demo release", "steps", List.of(
            step("build", shell("-n", "app-1.4.2.tar"), List.of()),
            step("test", Map.of("type", "sleep", "payload", Map.of("ms", 800)), List.of("build")),
            step("lint", Map.of("type", "sleep", "payload", Map.of("ms", 400)), List.of("build")),
            compensated(step("package", shell("-n", "image of ${steps.build.result.stdout}"), List.of("test",
                "lint")), shell("deleted ${steps.package.result.stdout}")),
            compensated(step("deploy", shell("-n", "${steps.package.result.stdout} deployed"), List.of("package")),
                shell("rolled back: ${steps.deploy.result.stdout}")),
            step("verify", Map.of("type", "sleep", "payload", verify, "retryPolicy", Map.of("maxAttempts", 2,
                "initialIntervalMs", 200)), List.of("deploy"))));
    }

    private static Map<String, Object> step(String name, Map<String, Object> task, List<String> dependsOn) {
        return new LinkedHashMap<>(Map.of("name", name, "task", task, "dependsOn", dependsOn));
    }

    private static Map<String, Object> compensated(Map<String, Object> step, Map<String, Object> compensation) {
        step.put("compensation", compensation);
        return step;
    }

    private static Map<String, Object> shell(String... args) {
        return Map.of("type", "shell", "payload", Map.of("command", "echo", "args", List.of(args)));
    }

    /** The pipelines as the scheduler shows them once each has ended, or as they stand at {@code timeout}. */
    List<JsonNode> awaitPipelines(List<String> ids, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<JsonNode> views = new ArrayList<>();
            for (String id : ids) {
                HttpResponse<String> response = send("GET", "/pipelines/" + id, null);
                views.add(response.statusCode() == 200 ? JSON.readTree(response.body())
                    : JSON.createObjectNode().put("pipelineId", id).put("state", "not yet known"));
            }
            if (views.stream().allMatch(DemoWorkload::ended) || Instant.now().isAfter(deadline)) {
                return views;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    static boolean ended(JsonNode pipeline) {
        return List.of("SUCCEEDED", "COMPENSATED", "STOPPED", "COMPENSATION_FAILED")
            .contains(pipeline.path("state").asText());
    }

    private HttpResponse<String> send(String method, String path, Object body)
        throws IOException, InterruptedException {
        return apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(apps.schedulerUrl() + path)))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private String overHttp(Map<String, Object> request, List<String> refusals)
        throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/tasks", request);
        if (response.statusCode() == 202) {
            return JSON.readTree(response.body()).get("taskId").asText();
        }
        refusals.add("The HTTP API refused a request, as it should: " + response.statusCode() + " "
            + response.body());
        return null;
    }
}
