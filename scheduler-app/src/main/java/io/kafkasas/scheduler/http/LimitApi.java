package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.LimitUse;
import io.kafkasas.scheduler.limits.LimitGate;
import io.kafkasas.scheduler.limits.LimitTopology;
import io.kafkasas.schemas.Limits;
import io.kafkasas.schemas.requests.Violation;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Limits over HTTP. Changes go to the compacted limits topic (answered once Kafka has them) and apply within
 * moments in every instance; reads show each limit with its use now, from the instance that holds the key.
 * <ul>
 *   <li>{@code PUT /limits/{key}} ({@code {"startsPerSecond": 200, "maxRunning": 5}}, either or both) — set
 *   (operate role); 400 with every problem. The key is a name tasks declare ({@code limitKey}) or
 *   {@code type:<type>};</li>
 *   <li>{@code DELETE /limits/{key}} — no more limit: what it holds goes at once;</li>
 *   <li>{@code GET /limits/{key}}, {@code GET /limits} — the limits with their use: tasks waiting and what holds
 *   them ({@code RATE_LIMIT}, {@code CONCURRENCY_LIMIT}), tasks running, tasks released (read role).</li>
 * </ul>
 */
public final class LimitApi extends StoreApi {


    public LimitApi(Parts parts) {
        super(parts);
    }

    public Map<String, Route> routes() {
        return readOrOperate("/limits", this::handle);
    }

    private Response handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = InstanceQueries.query(exchange.getRequestURI());
        if (path.equals("/limits") || path.equals("/limits/")) {
            return "GET".equals(method) ? list() : Response.error(405,
                "Use GET /limits, or PUT /limits/{key} with a limit");
        }
        String key = URLDecoder.decode(path.substring("/limits/".length()), StandardCharsets.UTF_8);
        if (!Limits.isKey(key)) {
            return Response.error(400, "No limit can have that key: 1-100 characters of A-Z a-z 0-9 . _ -, or"
                + " type: and a task type");
        }
        return switch (method) {
            case "GET" -> view(key, query.containsKey(InstanceQueries.LOCAL))
                .map(v -> Response.json(200, v)).orElseGet(() -> Response.error(404, "No limit " + key
                    + " is set, and no task counts against it (a limit just set shows within a second)"));
            case "PUT" -> put(exchange, key);
            case "DELETE" -> TaskApi.written(client.deleteLimit(key), Map.of("key", key, "deleted", true));
            default -> Response.error(405, "Use GET, PUT or DELETE on /limits/{key}");
        };
    }

    private Response put(HttpExchange exchange, String key) throws IOException {
        JsonNode body;
        try {
            body = TaskApi.json(exchange, validator);
        } catch (TaskApi.Refusal refused) {
            return refused.answer;
        }
        List<Violation> problems = new ArrayList<>();
        Limit limit = Limit.newBuilder().setKey(key)
            .setStartsPerSecond(number(body, "startsPerSecond", problems, false))
            .setMaxRunning(Optional.ofNullable(number(body, "maxRunning", problems, true)).map(Double::intValue)
                .orElse(null))
            .setUpdatedAt(clock.instant()).setUpdatedBy(HttpApi.callerName(exchange)).build();
        if (problems.isEmpty()) {
            problems.addAll(Limits.check(limit));
        }
        return problems.isEmpty() ? TaskApi.written(client.putLimit(limit), definition(limit))
            : TaskApi.invalid("limit", problems);
    }

    private static Double number(JsonNode body, String field, List<Violation> problems, boolean whole) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || whole && !(value.isIntegralNumber() && value.canConvertToInt())) {
            problems.add(new Violation(field, whole ? "must be a whole number" : "must be a number"));
            return null;
        }
        return value.asDouble();
    }

    private Response list() throws IOException {
        List<Object> all = new ArrayList<>();
        Optional<ReadOnlyKeyValueStore<String, Limit>> limits = InstanceQueries.store(streams,
            LimitTopology.LIMITS_STORE);
        if (limits.isPresent()) {
            try (KeyValueIterator<String, Limit> each = limits.get().all()) {
                while (each.hasNext()) {
                    Optional<Map<String, Object>> view = view(each.next().key, false);
                    view.ifPresent(all::add);
                }
            }
        }
        return Response.json(200, Map.of("limits", all));
    }

    /** The limit {@code key} with its use, asked of the instance that holds the key unless {@code local}. */
    private Optional<Map<String, Object>> view(String key, boolean local) throws IOException {
        Optional<HostInfo> holder = local ? Optional.empty()
            : instances.holderElsewhere(streams, LimitTopology.USE_STORE, key);
        if (holder.isPresent()) {
            Response answer = instances.forward(holder.get(), "/limits/" + InstanceQueries.encode(key) + "?"
                + InstanceQueries.LOCAL + "=true");
            return answer.status() == 200 ? Optional.of(HttpApi.JSON.readValue(answer.body(),
                new TypeReference<Map<String, Object>>() { })) : Optional.empty();
        }
        Limit limit = InstanceQueries.<Limit>store(streams, LimitTopology.LIMITS_STORE).map(s -> s.get(key))
            .orElse(null);
        LimitUse use = InstanceQueries.<LimitUse>store(streams, LimitTopology.USE_STORE).map(s -> s.get(key))
            .orElse(null);
        if (limit == null && use == null) {
            return Optional.empty();
        }
        Map<String, Object> view = limit != null ? definition(limit) : new LinkedHashMap<>(Map.of("key", key));
        LimitUse now = use != null ? LimitUse.newBuilder(use).build() : LimitUse.newBuilder().build();
        LimitGate.topUp(now, limit, clock.millis());
        Map<String, Object> figures = new LinkedHashMap<>();
        long waiting = LimitGate.waiting(now);
        figures.put("waiting", waiting);
        figures.put("heldBy", waiting > 0 ? LimitGate.holding(now, limit).name() : null);
        figures.put("running", now.getRunning());
        figures.put("released", now.getReleased());
        view.put("use", figures);
        return Optional.of(view);
    }

    private static Map<String, Object> definition(Limit limit) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", limit.getKey());
        view.put("startsPerSecond", limit.getStartsPerSecond());
        view.put("maxRunning", limit.getMaxRunning());
        view.put("updatedAt", limit.getUpdatedAt().toString());
        view.put("updatedBy", limit.getUpdatedBy());
        return view;
    }
}
