package io.kafkasas.dashboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.ctl.AgentCommands;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.deadletters.DeadLetterFilters;
import io.kafkasas.ctl.deadletters.DeadLetterLog;
import io.kafkasas.ctl.deadletters.DeadLettersCommand;
import io.kafkasas.ctl.deadletters.Replays;
import io.kafkasas.dashboard.live.DeadLetterShelf;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the dashboard does itself, as sasctl would: drain or restart an agent ({@code POST
 * /api/agents/{id}/drain|restart}, the operate role), list and inspect dead letters ({@code GET /api/dead-letters},
 * read) and replay them ({@code POST /api/dead-letters/replay}, operate). Commands and replays go through Kafka with
 * the dashboard's own credentials; the caller's name is recorded in them.
 */
public final class ActionRoutes {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 1_000;
    private final CtlConfig config;
    private final Upstream upstream;
    private final DeadLetterShelf deadLetters;
    private final Replays replays;
    private final Clock clock;

    public ActionRoutes(CtlConfig config, Upstream upstream, DeadLetterShelf deadLetters, Clock clock) {
        this.config = config;
        this.upstream = upstream;
        this.deadLetters = deadLetters;
        this.replays = new Replays(config.topicNames(), config.topics().taskRequests().valueSerde().deserializer());
        this.clock = clock;
    }

    public Map<String, Route> routes() {
        return Map.of("/api/agents/", AppEndpoints.requires(Role.OPERATE, this::agentCommand),
            "/api/dead-letters", AppEndpoints.readOnly(this::deadLetters),
            "/api/dead-letters/replay", AppEndpoints.requires(Role.OPERATE, this::replay));
    }

    private Response agentCommand(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getRawPath().substring("/api/agents/".length()).split("/");
        if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 2
            || !List.of("drain", "restart").contains(parts[1])) {
            return Response.error(404, "POST /api/agents/{agentId}/drain or /restart");
        }
        String agentId = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        Response agents = upstream.call(upstream.supervisor(), "GET", "/agents", new byte[0],
            HttpApi.credential(exchange));
        if (agents.status() != 200) {
            return agents;
        }
        Optional<JsonNode> agent = find(HttpApi.JSON.readTree(agents.body()).path("agents"), agentId);
        if (agent.isEmpty()) {
            return Response.error(404, "The supervisor knows no agent " + agentId);
        }
        AgentCommandType type = AgentCommandType.valueOf(parts[1].toUpperCase(Locale.ROOT));
        long incarnation = agent.get().path("incarnation").asLong();
        String who = "dashboard " + HttpApi.caller(exchange).name();
        try {
            AgentCommands.send(config, agentId, type, incarnation, who + " asked", who);
        } catch (Exception e) {
            return Response.error(503, "Could not send " + type + " to " + agentId + ": " + e);
        }
        return Response.json(202, Map.of("agentId", agentId, "command", type.name(), "incarnation", incarnation));
    }

    private static Optional<JsonNode> find(JsonNode agents, String agentId) {
        for (JsonNode agent : agents) {
            if (agentId.equals(agent.path("agentId").asText())) {
                return Optional.of(agent);
            }
        }
        return Optional.empty();
    }

    /** {@code ?reason=&task=&before=<partition:offset>&limit=}, newest first; {@code next} pages on. */
    private Response deadLetters(HttpExchange exchange) {
        Map<String, String> query = HttpApi.query(exchange.getRequestURI());
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(DEFAULT_PAGE)));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            return Response.error(400, "limit must be a whole number from 1 to " + MAX_PAGE);
        }
        List<DeadLetterLog.Entry> page = deadLetters.page(filter(query), query.get("before"), limit);
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deadLetters", page.stream().map(e -> DeadLettersCommand.view(e, replays.plan(e, now))).toList());
        body.put("next", page.size() == limit ? page.get(page.size() - 1).at() : null);
        body.put("total", deadLetters.total());
        return Response.json(200, body);
    }

    /**
     * {@code {"at": ["0:12", ...]}}, or {@code {"reason": ..., "task": ...}} for every kept letter that matches, or
     * {@code {"all": true}} for every kept letter: an empty filter is refused, so that no slip replays them all.
     */
    private Response replay(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Response.error(405, "Only POST on /api/dead-letters/replay");
        }
        JsonNode body;
        try {
            body = HttpApi.JSON.readTree(exchange.getRequestBody().readNBytes(RelayRoutes.MAX_BODY));
        } catch (IOException e) {
            return Response.error(400, "The body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return Response.error(400, "The body must be {\"at\": [\"partition:offset\", ...]} or {\"reason\": ...,"
                + " \"task\": ...}");
        }
        List<DeadLetterLog.Entry> entries = new ArrayList<>();
        if (body.has("at")) {
            for (JsonNode at : body.path("at")) {
                Optional<DeadLetterLog.Entry> entry = deadLetters.at(at.asText());
                if (entry.isEmpty()) {
                    return Response.error(404, "No dead letter at " + at.asText() + " is kept here");
                }
                entries.add(entry.get());
            }
        } else if (body.hasNonNull("reason") || body.hasNonNull("task") || body.path("all").asBoolean()) {
            Map<String, String> filter = new LinkedHashMap<>();
            body.fields().forEachRemaining(f -> filter.put(f.getKey(), f.getValue().asText()));
            entries.addAll(deadLetters.page(filter(filter), null, Integer.MAX_VALUE));
        } else {
            return Response.error(400, "Say which letters: \"at\", a \"reason\" or \"task\", or \"all\": true");
        }
        if (entries.isEmpty()) {
            return Response.error(404, "No dead letter matches");
        }
        Instant now = clock.instant();
        List<Replays.Plan> plans = entries.stream().map(e -> replays.plan(e, now)).filter(Replays.Plan::replayable)
            .toList();
        try {
            Replays.send(config, plans);
        } catch (Exception e) {
            return Response.error(503, e.getMessage());
        }
        return Response.json(200, Map.of("replayed", plans.stream().map(p -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("at", p.entry().at());
            view.put("action", p.action());
            view.put("newTaskId", p.request() == null ? null : p.request().getTaskId());
            view.put("note", p.note());
            return view;
        }).toList(), "notReplayable", entries.size() - plans.size()));
    }

    private static Predicate<DeadLetterLog.Entry> filter(Map<String, String> query) {
        return DeadLetterFilters.matching(blankToNull(query.get("reason")), blankToNull(query.get("task")),
            Instant.MIN);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
