package io.kafkasas.dashboard.http;

import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Guarded;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The apps' own APIs under {@code /api/supervisor/...} and {@code /api/scheduler/...}, for the pages: only the
 * calls the pages make, each with the role it needs here, and passed on with the caller's credential, so that the
 * app checks it again and records who acted.
 */
public final class RelayRoutes {

    /** Reads of the supervisor the pages make. */
    private static final Pattern SUPERVISOR_READS = Pattern.compile("/(tasks|agents|hosts|summary)(/[^/]+)?");
    /** Reads of the scheduler the pages make. */
    private static final Pattern SCHEDULER_READS = Pattern.compile("/(schedules|pipelines|limits)(/[^/]+)?");
    /** Submissions (the submit role). */
    private static final Pattern SUBMISSIONS = Pattern.compile("/(tasks|pipelines)");
    /** Changes (the operate role). */
    private static final List<Pattern> CHANGES = List.of(Pattern.compile("/tasks/[^/]+/cancel"),
        Pattern.compile("/schedules/[^/]+/(pause|resume|trigger)"), Pattern.compile("/pipelines/[^/]+/cancel"));

    /** The largest request body read; the apps refuse larger bodies themselves. */
    static final int MAX_BODY = 1 << 20;

    private final Upstream upstream;

    public RelayRoutes(Upstream upstream) {
        this.upstream = upstream;
    }

    public Map<String, Route> routes() {
        return Map.of("/api/supervisor/", new Guarded(exchange -> Role.READ, exchange -> relay(exchange,
                upstream.supervisor(), "/api/supervisor")),
            "/api/scheduler/", new Guarded(RelayRoutes::schedulerRole, exchange -> relay(exchange,
                upstream.scheduler(), "/api/scheduler")));
    }

    private static Role schedulerRole(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath().substring("/api/scheduler".length());
        if ("GET".equals(exchange.getRequestMethod())) {
            return Role.READ;
        }
        return SUBMISSIONS.matcher(path).matches() ? Role.SUBMIT : Role.OPERATE;
    }

    private Response relay(HttpExchange exchange, Upstream.App app, String prefix) throws IOException {
        String path = exchange.getRequestURI().getRawPath().substring(prefix.length());
        String method = exchange.getRequestMethod();
        boolean read = "GET".equals(method);
        boolean allowed = app == upstream.supervisor() ? read && SUPERVISOR_READS.matcher(path).matches()
            : read ? SCHEDULER_READS.matcher(path).matches()
            : "POST".equals(method) && (SUBMISSIONS.matcher(path).matches()
                || CHANGES.stream().anyMatch(p -> p.matcher(path).matches()));
        if (!allowed) {
            return Response.error(404, "The dashboard does not pass " + method + " " + path + " to the " + app.name());
        }
        String query = exchange.getRequestURI().getRawQuery();
        byte[] body = read ? new byte[0] : exchange.getRequestBody().readNBytes(MAX_BODY);
        return upstream.call(app, method, path + (query == null ? "" : "?" + query), body,
            HttpApi.credential(exchange));
    }
}
