package io.kafkasas.dashboard;

import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.Health;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.Role;
import io.kafkasas.dashboard.http.ActionRoutes;
import io.kafkasas.dashboard.http.RelayRoutes;
import io.kafkasas.dashboard.http.SessionRoutes;
import io.kafkasas.dashboard.http.StaticFiles;
import io.kafkasas.dashboard.http.Upstream;
import io.kafkasas.dashboard.live.DeadLetterShelf;
import io.kafkasas.dashboard.live.EventStream;
import io.kafkasas.dashboard.live.GroupLag;
import io.kafkasas.dashboard.live.Overview;
import io.kafkasas.dashboard.live.Rates;
import io.kafkasas.dashboard.live.TopicWatch;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard: pages served from the jar, their data from the apps' APIs (passed on with the caller's
 * credential) and from its own watch of the topics (live rates, dead letters), live figures pushed over
 * server-sent events. It keeps nothing that matters: stopped and started again, it reads everything anew.
 */
public final class DashboardApp implements AutoCloseable {

    /** Paths anyone may fetch: the pages and their files (no data), and signing in and out. */
    private static final Set<String> PAGES = Set.of("/", "/webjars/");

    private final AppMetrics metrics = new AppMetrics("dashboard");
    private final TopicWatch watch;
    private final GroupLag lag;
    private final Overview overview;
    private final HttpApi http;

    private DashboardApp(DashboardConfig config, Clock clock) {
        Rates rates = new Rates(config.historySeconds());
        DeadLetterShelf deadLetters = new DeadLetterShelf(config.deadLettersKept());
        Upstream upstream = new Upstream(config.ctl());
        this.watch = new TopicWatch(config.ctl(), rates, deadLetters);
        this.lag = new GroupLag(config.ctl().kafkaProperties(), config.agentGroup());
        this.overview = new Overview(upstream, lag, rates, deadLetters, watch, clock);
        SessionRoutes session = new SessionRoutes(config.http());
        Map<String, Route> routes = new HashMap<>();
        routes.put("/", new StaticFiles());
        routes.put("/webjars/", new StaticFiles());
        routes.putAll(session.open());
        routes.putAll(session.guarded());
        routes.putAll(new RelayRoutes(upstream).routes());
        routes.putAll(new ActionRoutes(config.ctl(), upstream, deadLetters, clock).routes());
        routes.put("/api/events", new HttpApi.Guarded(exchange -> Role.READ,
            new EventStream(overview, rates, config.refresh(), clock)));
        Set<String> open = new HashSet<>(PAGES);
        open.addAll(session.open().keySet());
        watch.start();
        overview.start(config.refresh().toMillis());
        this.http = AppEndpoints.start(config.http(), () -> new Health(true, true, "RUNNING"), metrics::scrape,
            routes, open, true);
    }

    public static DashboardApp start(DashboardConfig config) {
        return new DashboardApp(config, Clock.systemUTC());
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8084}. */
    public String httpUrl() {
        return http.url();
    }

    @Override
    public void close() {
        http.close();
        overview.close();
        watch.close();
        lag.close();
        metrics.close();
    }
}
