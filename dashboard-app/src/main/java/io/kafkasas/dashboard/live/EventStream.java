package io.kafkasas.dashboard.live;

import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.HttpApi;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: server-sent events for an open page. First {@code history} (the rates of the window, per
 * second), then every refresh {@code overview} (the latest {@link Overview} snapshot, with the second just ended).
 * The stream ends when the page goes away; a browser's EventSource reconnects by itself.
 */
public final class EventStream implements HttpApi.StreamRoute {

    private final Overview overview;
    private final Rates rates;
    private final Duration every;
    private final Clock clock;

    public EventStream(Overview overview, Rates rates, Duration every, Clock clock) {
        this.overview = overview;
        this.rates = rates;
        this.every = every;
        this.clock = clock;
    }

    @Override
    public void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        long second = clock.millis() / 1000;
        send(out, "history", Map.of("series", Rates.SERIES, "points", rates.between(second - rates.seconds(),
            second)));
        while (!Thread.currentThread().isInterrupted()) {
            send(out, "overview", overview.snapshot());
            try {
                TimeUnit.MILLISECONDS.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void send(OutputStream out, String event, Object data) throws IOException {
        out.write(("event: " + event + "\ndata: " + HttpApi.JSON.writeValueAsString(data) + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
