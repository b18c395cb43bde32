package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.pipelines.PipelineRules;
import io.kafkasas.scheduler.pipelines.PipelineTopology;
import io.kafkasas.schemas.PipelineRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.Violation;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Pipelines over HTTP. A submission goes to the pipelines topic (answered once Kafka has it); reads come from the
 * scheduler's pipeline store, from the instance that holds the pipeline.
 * <ul>
 *   <li>{@code POST /pipelines} — submit (submit role); 202 {@code {"pipelineId"}}, 400 with every problem;</li>
 *   <li>{@code GET /pipelines/{id}} — its state, each step's (attempts, times, result, error), the graph as text;
 *   {@code GET /pipelines?limit=&after=} — all, by id (read role);</li>
 *   <li>{@code POST /pipelines/{id}/cancel} ({@code {"reason": ...}}) — running steps cancelled, the failure
 *   policy applies (operate role).</li>
 * </ul>
 */
public final class PipelineApi extends StoreApi {

    private static final Pattern ONE = Pattern.compile("/pipelines/([^/]+)(/cancel)?");
    private static final InstanceQueries.Listing LISTING = new InstanceQueries.Listing("/pipelines", "pipelines",
        "pipelineId", 100, 10_000);


    public PipelineApi(Parts parts) {
        super(parts);
    }

    public Map<String, Route> routes() {
        return Map.of("/pipelines", new HttpApi.Guarded(exchange -> "GET".equals(exchange.getRequestMethod())
            ? Role.READ : exchange.getRequestURI().getPath().endsWith("/cancel") ? Role.OPERATE : Role.SUBMIT,
            InstanceQueries.whenReady("scheduler", this::handle)));
    }

    private Response handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = InstanceQueries.query(exchange.getRequestURI());
        if (path.equals("/pipelines") || path.equals("/pipelines/")) {
            return switch (method) {
                case "GET" -> list(query);
                case "POST" -> submit(exchange);
                default -> Response.error(405, "Use POST /pipelines with a pipeline, or GET /pipelines");
            };
        }
        Matcher one = ONE.matcher(path);
        if (!one.matches()) {
            return Response.error(404, "Use /pipelines/{id}, or POST /pipelines/{id}/cancel");
        }
        String id = URLDecoder.decode(one.group(1), StandardCharsets.UTF_8);
        boolean cancel = one.group(2) != null;
        if (cancel ? !"POST".equals(method) : !"GET".equals(method)) {
            return Response.error(405, cancel ? "Use POST /pipelines/{id}/cancel" : "Use GET /pipelines/{id}");
        }
        if (!PipelineRuns.isPipelineId(id)) {
            return Response.error(400, "No pipeline can have that id: 1-100 characters of A-Z a-z 0-9 . _ -");
        }
        JsonNode body;
        try {
            body = TaskApi.json(exchange, validator);
        } catch (TaskApi.Refusal refused) {
            return refused.answer;
        }
        Optional<HostInfo> holder = query.containsKey(InstanceQueries.LOCAL) ? Optional.empty()
            : instances.holderElsewhere(streams, PipelineTopology.STORE, id);
        if (holder.isPresent()) {
            return instances.forward(holder.get(), method, path + "?" + InstanceQueries.LOCAL + "=true",
                HttpApi.JSON.writeValueAsBytes(body), exchange.getRequestHeaders().getFirst(Wire.AUTHORIZATION));
        }
        Optional<PipelineRun> run = InstanceQueries.<PipelineRun>store(streams, PipelineTopology.STORE)
            .map(store -> store.get(id));
        if (run.isEmpty()) {
            return Response.error(404, "No pipeline " + id + " is known to the scheduler (one just submitted shows"
                + " within a second)");
        }
        if (!cancel) {
            return Response.json(200, JsonPipelines.view(run.get()));
        }
        String caller = HttpApi.callerName(exchange);
        String reason = body.path("reason").asText("cancelled through the HTTP API") + (caller != null
            ? " (by " + caller + ")" : "");
        return TaskApi.acknowledged(client.cancelPipeline(run.get().getPipeline(), reason),
            Map.of("pipelineId", id, "cancel", "requested"));
    }

    private Response submit(HttpExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = TaskApi.json(exchange, validator);
        } catch (TaskApi.Refusal refused) {
            return refused.answer;
        }
        Instant now = clock.instant();
        JsonPipelines.Parsed parsed = JsonPipelines.parse(body, now, HttpApi.callerName(exchange));
        List<Violation> problems = new ArrayList<>(parsed.violations());
        if (parsed.pipeline() != null) { // the rules' findings too, but one problem per field
            PipelineRules.check(parsed.pipeline(), validator, now).stream()
                .filter(rule -> problems.stream().noneMatch(p -> p.field().equals(rule.field())))
                .forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            return TaskApi.invalid("pipeline", problems);
        }
        String id = parsed.pipeline().getPipelineId();
        return TaskApi.acknowledged(client.submitPipeline(parsed.pipeline()), Map.of("pipelineId", id));
    }

    private Response list(Map<String, String> query) throws IOException {
        return instances.list(streams, PipelineTopology.STORE, query, LISTING, JsonPipelines::view);
    }
}
