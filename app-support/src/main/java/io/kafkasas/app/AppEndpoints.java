package io.kafkasas.app;

import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The routes every app serves: {@code GET /health} (200 when ready and live, else 503; {@code ?probe=live} answers
 * liveness only; open to anyone) and {@code GET /metrics} (Prometheus text; the read role), plus the app's own
 * routes, each with the role it needs.
 */
public final class AppEndpoints {

    private AppEndpoints() {
    }

    /** {@code routes} and {@code GET /openapi.yaml}: the OpenAPI description in the class path's {@code resource}. */
    public static Map<String, Route> describedBy(String resource, Map<String, Route> routes) {
        byte[] description;
        try (InputStream in = AppEndpoints.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            description = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Route> described = new LinkedHashMap<>(routes);
        described.put("/openapi.yaml", readOnly(exchange -> new Response(200, "application/yaml", description)));
        return described;
    }

    public static HttpApi start(HttpSettings settings, Supplier<Health> health, AppMetrics metrics,
                                Map<String, Route> appRoutes) {
        return start(settings, health, metrics::scrape, appRoutes);
    }

    /** As above, with {@code /metrics} answered by {@code scrape} (an exposition that speaks for others too). */
    public static HttpApi start(HttpSettings settings, Supplier<Health> health, Supplier<String> scrape,
                                Map<String, Route> appRoutes) {
        return start(settings, health, scrape, appRoutes, Set.of(), false);
    }

    /**
     * As above, with {@code open} routes answered to anyone on the threads that read requests (pages and their
     * scripts, which hold no data), and {@code sessionCookie} as {@link HttpApi#start(HttpSettings, Map, Set,
     * boolean)} takes it.
     */
    public static HttpApi start(HttpSettings settings, Supplier<Health> health, Supplier<String> scrape,
                                Map<String, Route> appRoutes, Set<String> open, boolean sessionCookie) {
        Map<String, Route> routes = new LinkedHashMap<>(appRoutes);
        routes.put("/health", getOnly(exchange -> {
            Health now = health.get();
            boolean liveOnly = "probe=live".equals(exchange.getRequestURI().getQuery());
            int status = liveOnly ? (now.live() ? 200 : 503) : now.httpStatus();
            return Response.json(status, Map.of("ready", now.ready(), "live", now.live(), "state", now.state()));
        }));
        routes.put("/metrics", readOnly(exchange ->
            Response.text(200, "text/plain; version=0.0.4; charset=utf-8", scrape.get())));
        Set<String> quick = new HashSet<>(open);
        quick.add("/health");
        return HttpApi.start(settings, routes, quick, sessionCookie);
    }

    /** {@code route} for callers with {@code role}. */
    public static Route requires(Role role, Route route) {
        return new HttpApi.Guarded(exchange -> role, route);
    }

    /** {@code route} for GET by callers with the read role; 405 for any other method. */
    public static Route readOnly(Route route) {
        return requires(Role.READ, getOnly(route));
    }

    /** {@code route} for GET; 405 for any other method. */
    private static Route getOnly(Route route) {
        return exchange -> "GET".equals(exchange.getRequestMethod()) ? route.handle(exchange)
            : Response.error(405, "Only GET on " + exchange.getRequestURI().getPath());
    }
}
