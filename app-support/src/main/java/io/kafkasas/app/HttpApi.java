package io.kafkasas.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server on the JDK's own {@link HttpServer}: routes by path prefix, JSON answers, and a handler
 * failure becomes a 500 that says what went wrong instead of a dropped connection.
 */
public final class HttpApi implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    /** Answers one request. */
    @FunctionalInterface
    public interface Route {
        Response handle(HttpExchange exchange) throws IOException;
    }

    /** An answer: status, media type and body. */
    public record Response(int status, String contentType, byte[] body) {

        public static Response json(int status, Object body) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public static Response text(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /** A JSON error: {@code {"error": message}}. */
        public static Response error(int status, String message) {
            return json(status, Map.of("error", message));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code routes} (path prefix to route) on {@code settings}. */
    public static HttpApi start(HttpSettings settings, Map<String, Route> routes) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + settings.host() + ":" + settings.port()
                + " (set http.port / SAS_HTTP_PORT to a free port, or 0 for any)", e);
        }
        routes.forEach((path, route) -> server.createContext(path, exchange -> serve(exchange, route)));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new HttpApi(server, executor);
    }

    private static void serve(HttpExchange exchange, Route route) throws IOException {
        Response response;
        try {
            response = route.handle(exchange);
        } catch (RuntimeException | IOException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = Response.error(500, "Internal error: " + e);
        }
        try (OutputStream body = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            body.write(response.body());
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
