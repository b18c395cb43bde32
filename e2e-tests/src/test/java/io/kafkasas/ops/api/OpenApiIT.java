package io.kafkasas.ops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.Role;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI descriptions of the scheduler and the supervisor against the running apps: every documented
 * operation is called, and every answer has a documented status, media type and, for JSON, shape.
 */
@RealKafka
class OpenApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One call: the documented path it stands for, and what came back. */
    private record Call(String app, String method, String template, HttpResponse<String> response) {
    }

    private static final String READER = HttpAuth.newToken();
    private static final String SUBMITTER = HttpAuth.newToken();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Call> calls = new ArrayList<>();

    @TempDir
    Path dir;

    @Test
    void everyOperationShouldAnswerAsDescribed(TestKafka kafka) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            SchemaRegistryConfig.URL, "mock://" + UniqueNames.of("openapi"), "http.port", "0"));
        settings.putAll(TestAuth.settings());
        settings.put(HttpAuth.TOKENS, settings.get(HttpAuth.TOKENS) + ";" + HttpAuth.entry("reader",
            Set.of(Role.READ), READER) + ";" + HttpAuth.entry("submitter", Set.of(Role.SUBMIT), SUBMITTER));
        SchedulerConfig schedulerConfig = SchedulerConfig.of(with(settings, "scheduler"));
        TestTopics.create(kafka, schedulerConfig.shared().topicNames().all(), 3);
        Map<String, String> agentSettings = new HashMap<>(settings);
        agentSettings.put(AgentConfig.AGENT_ID, "api-agent");
        agentSettings.put(AgentConfig.HANDLERS, "noop,sleep");
        Agent agent = Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC());
        try (SchedulerApp scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
             SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(with(settings, "supervisor")))) {
            String s = scheduler.httpUrl();
            String v = supervisor.httpUrl();
            await().atMost(WAIT).until(() -> call("supervisor", "GET", "/health", v + "/health", null)
                .statusCode() == 200);

            String taskId = callTheScheduler(s);
            callTheSchedules(s);
            callThePipelines(s);
            callTheLimits(s);
            callTheSupervisor(v, taskId);

            assertConformance("scheduler", s);
            assertConformance("supervisor", v);
        } finally {
            agent.stop(AgentExit.STOPPED);
            agent.awaitExit();
        }
    }

    /** Every scheduler operation, and what it must refuse; returns the id of a task that ran. */
    private String callTheScheduler(String s) throws Exception {
        JsonNode submitted = JSON.readTree(call("scheduler", "POST", "/tasks", s + "/tasks",
            "{\"type\":\"noop\",\"idempotencyKey\":\"api-1\"}").body());
        String taskId = submitted.get("taskId").asText();
        await().atMost(WAIT).until(() -> call("scheduler", "POST", "/tasks", s + "/tasks",
            "{\"type\":\"noop\",\"idempotencyKey\":\"api-1\"}").statusCode() == 200);
        call("scheduler", "POST", "/tasks", s + "/tasks", "{\"type\":\"noop\",\"queue\":\"nope\"}");
        call("scheduler", "POST", "/tasks", s + "/tasks", "{oops");
        call("scheduler", "POST", "/tasks", s + "/tasks", "{\"type\":\"noop\",\"payloadBase64\":\""
            + "A".repeat(400_000) + "\"}");
        call("scheduler", "GET", "/tasks", s + "/tasks", null);
        // who may do what: health is open, the rest needs a known token with the role
        assertThat(callAs(null, "scheduler", "POST", "/tasks", s + "/tasks", "{\"type\":\"noop\"}")
            .statusCode()).isEqualTo(401);
        assertThat(callAs(Wire.bearer(READER), "scheduler", "POST", "/tasks", s + "/tasks", "{\"type\":\"noop\"}")
            .statusCode()).isEqualTo(403);
        assertThat(callAs(Wire.bearer(SUBMITTER), "scheduler", "POST", "/tasks/{taskId}/cancel", s + "/tasks/"
            + taskId + "/cancel", null).statusCode()).isEqualTo(403);
        assertThat(callAs(Wire.bearer(SUBMITTER), "scheduler", "GET", "/metrics", s + "/metrics", null).statusCode())
            .isEqualTo(403);
        assertThat(callAs(null, "scheduler", "GET", "/health", s + "/health", null).statusCode()).isEqualTo(200);
        // input no path may take: refused with a reason, never a 500 or a silent cast
        assertThat(call("scheduler", "POST", "/tasks", s + "/tasks", "{\"type\":\"noop\",\"taskId\":\"a/b\","
            + "\"submittedBy\":\"" + "x".repeat(300) + "\",\"headers\":{\"trace\":\"a\\u0001b\"}}").body())
            .contains("taskId", "submittedBy", "headers.trace");
        assertThat(call("scheduler", "POST", "/tasks/{taskId}/cancel", s + "/tasks/" + "a".repeat(6000)
            + "/cancel", null).statusCode()).isEqualTo(400);
        assertThat(call("scheduler", "DELETE", "/health", s + "/health", null).statusCode()).isEqualTo(405);
        String sleeping = JSON.readTree(call("scheduler", "POST", "/tasks", s + "/tasks",
            "{\"type\":\"sleep\",\"payload\":{\"ms\":60000}}").body()).get("taskId").asText();
        call("scheduler", "POST", "/tasks/{taskId}/cancel", s + "/tasks/" + sleeping + "/cancel",
            "{\"reason\":\"described\"}");
        call("scheduler", "GET", "/health", s + "/health", null);
        call("scheduler", "GET", "/health", s + "/health?probe=live", null);
        call("scheduler", "GET", "/metrics", s + "/metrics", null);
        return taskId;
    }

    /** Every schedule operation, and what it must refuse. */
    private void callTheSchedules(String s) throws Exception {
        String one = "/schedules/{scheduleId}";
        String schedule = "{\"spec\":\"every 1h\",\"timeZone\":\"Europe/Berlin\",\"task\":{\"type\":\"noop\"}}";
        assertThat(call("scheduler", "PUT", one, s + "/schedules/api", schedule).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> call("scheduler", "GET", one, s + "/schedules/api", null).statusCode()
            == 200);
        assertThat(call("scheduler", "PUT", one, s + "/schedules/bad", "{\"spec\":\"61 * * * *\",\"timeZone\":"
            + "\"Mars/Olympus\",\"overlap\":\"SOMETIMES\",\"task\":{\"type\":\"noop\",\"taskId\":\"x\"}}").body())
            .contains("spec", "timeZone", "overlap", "task.taskId");
        call("scheduler", "PUT", one, s + "/schedules/bad", "{oops");
        call("scheduler", "GET", one, s + "/schedules/none", null);
        call("scheduler", "GET", one, s + "/schedules/a%20b", null);
        call("scheduler", "GET", "/schedules", s + "/schedules?limit=1", null);
        call("scheduler", "GET", "/schedules", s + "/schedules?limit=0", null);
        call("scheduler", "POST", "/schedules", s + "/schedules", schedule);
        call("scheduler", "POST", one + "/pause", s + "/schedules/api/pause", "{\"note\":\"described\"}");
        call("scheduler", "POST", one + "/pause", s + "/schedules/none/pause", null);
        call("scheduler", "POST", one + "/resume", s + "/schedules/api/resume", null);
        call("scheduler", "POST", one + "/trigger", s + "/schedules/api/trigger", null);
        call("scheduler", "POST", one + "/backfill", s + "/schedules/api/backfill",
            "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T03:00:00Z\"}");
        call("scheduler", "POST", one + "/backfill", s + "/schedules/api/backfill", "{\"from\":\"yesterday\"}");
        assertThat(callAs(Wire.bearer(READER), "scheduler", "PUT", one, s + "/schedules/api", schedule)
            .statusCode()).isEqualTo(403);
        // a 503 (the store moving between stream threads) means: retry
        await().atMost(WAIT).until(() -> callAs(Wire.bearer(READER), "scheduler", "GET", one, s + "/schedules/api",
            null).statusCode() == 200);
        assertThat(callAs(null, "scheduler", "GET", "/schedules", s + "/schedules", null).statusCode())
            .isEqualTo(401);
        call("scheduler", "DELETE", one, s + "/schedules/api", null);
    }

    /** Every limit operation, and what it must refuse. */
    private void callTheLimits(String s) throws Exception {
        String one = "/limits/{key}";
        assertThat(call("scheduler", "PUT", one, s + "/limits/api", "{\"startsPerSecond\": 5, \"maxRunning\": 2}")
            .statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> call("scheduler", "GET", one, s + "/limits/api", null).statusCode() == 200);
        assertThat(call("scheduler", "PUT", one, s + "/limits/api", "{\"startsPerSecond\": -1, \"maxRunning\": 0}")
            .body()).contains("startsPerSecond", "maxRunning");
        call("scheduler", "PUT", one, s + "/limits/api", "{oops");
        call("scheduler", "PUT", one, s + "/limits/type:noop", "{\"maxRunning\": 1}");
        call("scheduler", "GET", one, s + "/limits/none", null);
        call("scheduler", "GET", one, s + "/limits/a%20b", null);
        call("scheduler", "GET", "/limits", s + "/limits", null);
        call("scheduler", "POST", "/limits", s + "/limits", "{}");
        assertThat(callAs(Wire.bearer(READER), "scheduler", "PUT", one, s + "/limits/api", "{\"maxRunning\": 1}")
            .statusCode()).isEqualTo(403);
        call("scheduler", "DELETE", one, s + "/limits/api", null);
        call("scheduler", "DELETE", one, s + "/limits/type:noop", null);
    }

    /** Every pipeline operation, and what it must refuse. */
    private void callThePipelines(String s) throws Exception {
        String pipeline = "{\"pipelineId\":\"api-p\",\"name\":\"api\",\"steps\":[{\"name\":\"a\",\"task\":"
            + "{\"type\":\"sleep\",\"payload\":{\"ms\":30000}}},{\"name\":\"b\",\"dependsOn\":[\"a\"],"
            + "\"task\":{\"type\":\"noop\"}}]}";
        assertThat(call("scheduler", "POST", "/pipelines", s + "/pipelines", pipeline).statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> call("scheduler", "GET", "/pipelines/{pipelineId}", s + "/pipelines/api-p",
            null).statusCode() == 200);
        assertThat(call("scheduler", "POST", "/pipelines", s + "/pipelines", "{\"steps\":[{\"name\":\"a\","
            + "\"dependsOn\":[\"a\"],\"task\":{\"type\":\"noop\",\"taskId\":\"x\"}}],\"onFailure\":\"MAYBE\"}").body())
            .contains("onFailure", "cycle", "taskId");
        call("scheduler", "POST", "/pipelines", s + "/pipelines", "{oops");
        call("scheduler", "GET", "/pipelines", s + "/pipelines?limit=5", null);
        call("scheduler", "GET", "/pipelines", s + "/pipelines?limit=0", null);
        call("scheduler", "GET", "/pipelines/{pipelineId}", s + "/pipelines/none", null);
        call("scheduler", "GET", "/pipelines/{pipelineId}", s + "/pipelines/a%20b", null);
        call("scheduler", "POST", "/pipelines/{pipelineId}/cancel", s + "/pipelines/none/cancel", null);
        assertThat(callAs(Wire.bearer(READER), "scheduler", "POST", "/pipelines/{pipelineId}/cancel", s
            + "/pipelines/api-p/cancel", null).statusCode()).isEqualTo(403);
        assertThat(call("scheduler", "POST", "/pipelines/{pipelineId}/cancel", s + "/pipelines/api-p/cancel",
            "{\"reason\":\"described\"}").statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> call("scheduler", "GET", "/pipelines/{pipelineId}", s
            + "/pipelines/api-p", null).body().contains("COMPENSAT"));
        assertThat(callAs(Wire.bearer(SUBMITTER), "scheduler", "POST", "/pipelines", s + "/pipelines", pipeline)
            .statusCode()).isEqualTo(202);
    }

    /** Every supervisor operation, and what it must refuse. */
    private void callTheSupervisor(String v, String taskId) throws Exception {
        await().atMost(WAIT).until(() -> call("supervisor", "GET", "/tasks/{taskId}", v + "/tasks/" + taskId,
            null).body().contains("SUCCEEDED"));
        call("supervisor", "GET", "/tasks/{taskId}", v + "/tasks/no-such-task", null);
        call("supervisor", "GET", "/tasks", v + "/tasks?state=SUCCEEDED&limit=1", null);
        assertThat(call("supervisor", "GET", "/tasks", v + "/tasks?type=noop&queue=default&state=succeeded", null)
            .body()).contains(taskId);
        assertThat(call("supervisor", "GET", "/tasks", v + "/tasks?type=noop&submitter=nobody", null).body())
            .doesNotContain(taskId);
        await().atMost(WAIT).until(() -> JSON.readTree(call("supervisor", "GET", "/summary", v + "/summary", null)
            .body()).path("tasks").path("SUCCEEDED").asLong() >= 1);
        call("supervisor", "GET", "/tasks", v + "/tasks", null);
        call("supervisor", "GET", "/tasks", v + "/tasks?limit=many", null);
        assertThat(call("supervisor", "GET", "/tasks", v + "/tasks?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(call("supervisor", "GET", "/tasks", v + "/tasks?limit=-1", null).statusCode()).isEqualTo(400);
        assertThat(call("supervisor", "DELETE", "/agents", v + "/agents", null).statusCode()).isEqualTo(405);
        await().atMost(WAIT).until(() -> call("supervisor", "GET", "/agents", v + "/agents", null).body()
            .contains("api-agent"));
        call("supervisor", "GET", "/hosts", v + "/hosts", null);
        assertThat(callAs(null, "supervisor", "GET", "/tasks", v + "/tasks", null).statusCode()).isEqualTo(401);
        assertThat(callAs(Wire.bearer(HttpAuth.newToken()), "supervisor", "GET", "/agents", v + "/agents", null)
            .statusCode()).isEqualTo(401);
        assertThat(callAs(Wire.bearer(SUBMITTER), "supervisor", "GET", "/tasks/{taskId}", v + "/tasks/" + taskId,
            null).statusCode()).isEqualTo(403);
        assertThat(callAs(Wire.bearer(READER), "supervisor", "GET", "/hosts", v + "/hosts", null).statusCode())
            .isEqualTo(200);
        call("supervisor", "GET", "/health", v + "/health?probe=live", null);
        call("supervisor", "GET", "/metrics", v + "/metrics", null);
    }

    private Map<String, String> with(Map<String, String> settings, String app) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(StreamsApps.STREAMS_PREFIX + "state.dir", dir.resolve(app).toString());
        return copy;
    }

    private HttpResponse<String> call(String app, String method, String template, String url, String body)
        throws Exception {
        return callAs(TestAuth.AUTHORIZATION, app, method, template, url, body);
    }

    /** As {@link #call} with {@code authorization} (none if null). */
    private HttpResponse<String> callAs(String authorization, String app, String method, String template, String url,
                                        String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(40));
        if (authorization != null) {
            request.header(Wire.AUTHORIZATION, authorization);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        calls.add(new Call(app, method, template, response));
        return response;
    }

    @SuppressWarnings("unchecked")
    private void assertConformance(String app, String url) throws Exception {
        String served = http.send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(url + "/openapi.yaml")))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/" + app + ".yaml")) {
            assertThat(served).as("GET /openapi.yaml serves the description")
                .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(500); // the description reuses its answers through YAML anchors
        Map<String, Object> document = new Yaml(options).load(served);
        OpenApiSchema schemas = new OpenApiSchema(document);
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Set<String> called = new LinkedHashSet<>();
        for (Call call : calls.stream().filter(c -> c.app().equals(app)).toList()) {
            String what = call.method() + " " + call.response().uri();
            Map<String, Object> operations = (Map<String, Object>) paths.get(call.template());
            assertThat(operations).as("%s is described", call.template()).isNotNull();
            Map<String, Object> operation = (Map<String, Object>) operations.get(call.method().toLowerCase());
            if (call.response().statusCode() == 405) {
                assertThat(operation).as("%s answered 405 but is described", what).isNull();
                continue;
            }
            assertThat(operation).as("%s is described", what).isNotNull();
            called.add(call.method() + " " + call.template());
            Map<String, Object> answer = (Map<String, Object>) ((Map<String, Object>) operation.get("responses"))
                .get(Integer.toString(call.response().statusCode()));
            assertThat(answer).as("%s answered %d, which is not described (%s)", what, call.response().statusCode(),
                call.response().body()).isNotNull();
            Map<String, Object> content = (Map<String, Object>) answer.get("content");
            String mediaType = call.response().headers().firstValue("Content-Type").orElse("").split(";")[0];
            assertThat(content).as("%s: media type", what).containsKey(mediaType);
            if (mediaType.equals("application/json")) {
                Object schema = ((Map<String, Object>) content.get(mediaType)).get("schema");
                assertThat(schemas.problems(schema, JSON.readTree(call.response().body())))
                    .as("%s answered %s", what, call.response().body()).isEmpty();
            }
        }
        Set<String> described = new LinkedHashSet<>();
        paths.forEach((path, operations) -> ((Map<String, Object>) operations).keySet()
            .forEach(method -> described.add(method.toUpperCase() + " " + path)));
        assertThat(called).as("every described operation was called").containsAll(described);
    }
}
