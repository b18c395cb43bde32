package io.kafkasas.dashboard.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.dashboard.http.Upstream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview's figures, refreshed on a timer of their own (never by a page view): tasks by state and agents by
 * liveness (the supervisor's counts), hosts by state, the agents' group lag, dead letters, and the last whole
 * second's rates. Every open page gets the same snapshot, however many there are.
 */
public final class Overview implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Overview.class);

    private final Upstream upstream;
    private final GroupLag lag;
    private final Rates rates;
    private final DeadLetterShelf deadLetters;
    private final TopicWatch watch;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile Map<String, Object> snapshot = Map.of();

    public Overview(Upstream upstream, GroupLag lag, Rates rates, DeadLetterShelf deadLetters, TopicWatch watch,
                    Clock clock) {
        this.upstream = upstream;
        this.lag = lag;
        this.rates = rates;
        this.deadLetters = deadLetters;
        this.watch = watch;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dashboard-overview");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(long everyMs) {
        timer.scheduleWithFixedDelay(this::refresh, 0, everyMs, TimeUnit.MILLISECONDS);
    }

    /** The latest figures. */
    public Map<String, Object> snapshot() {
        return snapshot;
    }

    /** Refreshes the figures now; each part that cannot be had says why under {@code problems}. */
    void refresh() {
        Map<String, Object> next = new LinkedHashMap<>();
        Map<String, String> problems = new TreeMap<>();
        long second = clock.millis() / 1000;
        next.put("time", clock.instant().toString());
        next.put("rates", rates.between(second - 1, second).get(0));
        try {
            JsonNode summary = upstream.get(upstream.supervisor(), "/summary");
            next.put("tasks", summary.path("tasks"));
            next.put("agents", summary.path("agents"));
        } catch (Exception e) {
            problems.put("supervisor", e.getMessage());
        }
        try {
            Map<String, Long> hosts = new TreeMap<>();
            upstream.get(upstream.supervisor(), "/hosts").path("hosts")
                .forEach(h -> hosts.merge(h.path("state").asText(), 1L, Long::sum));
            next.put("hosts", hosts);
        } catch (Exception e) {
            problems.put("hosts", e.getMessage());
        }
        try {
            next.put("lag", lag.now());
        } catch (Exception e) {
            problems.put("lag", "group " + lag.group() + ": " + e);
        }
        next.put("deadLetters", deadLetters.total());
        if (!watch.watching()) {
            problems.put("topics", "not reading the task and dead-letter topics yet (see the dashboard's log)");
        }
        next.put("problems", problems);
        if (!problems.isEmpty()) {
            LOG.debug("Overview incomplete: {}", problems);
        }
        snapshot = next;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
