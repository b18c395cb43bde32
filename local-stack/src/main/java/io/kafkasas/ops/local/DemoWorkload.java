package io.kafkasas.ops.local;

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

/**
 * A mixed workload that shows what kafka-sas does: no-ops, sleeps of various lengths (some reporting progress),
 * shell commands from the allow-list, HTTP calls, failures, delayed tasks, a duplicate submission and invalid
 * requests; half submitted over Kafka with the Java client, half over the scheduler's HTTP API. And a schedule that
 * runs {@code date -u} every few seconds.
 */
final class DemoWorkload {

    /** A task the demo submitted and the kind of work it is. */
    record Submitted(String taskId, String kind) {
    }

    /** The demo's schedule, and how often it fires. */
    static final String SCHEDULE = "demo-date";
    static final int SCHEDULE_EVERY_SECONDS = 5;
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
            case "http" -> request.put("payload", Map.of("url", httpTarget, "timeoutMs", 5000));
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
        HttpResponse<String> response = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(apps
                .schedulerUrl() + "/schedules/" + SCHEDULE)))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(schedule), StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("The scheduler refused the demo schedule: " + response.statusCode() + " "
                + response.body());
        }
    }

    private String overHttp(Map<String, Object> request, List<String> refusals)
        throws IOException, InterruptedException {
        HttpResponse<String> response = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(apps
                .schedulerUrl() + "/tasks")))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request), StandardCharsets.UTF_8))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 202) {
            return JSON.readTree(response.body()).get("taskId").asText();
        }
        refusals.add("The HTTP API refused a request, as it should: " + response.statusCode() + " "
            + response.body());
        return null;
    }
}
