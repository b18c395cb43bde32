package io.kafkasas.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
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

    /**
     * A route and the role its caller needs, which may depend on the request (cancelling needs operate, submitting
     * submit). Every route but health must be one: a route that names no role is refused at start.
     */
    public record Guarded(Function<HttpExchange, Role> role, Route route) implements Route {

        @Override
        public Response handle(HttpExchange exchange) throws IOException {
            return route.handle(exchange);
        }
    }

    /**
     * A route that answers as it goes (server-sent events): it writes to the exchange itself, on a pool of threads of
     * its own, so that long-lived streams never take the threads of quick answers.
     */
    @FunctionalInterface
    public interface StreamRoute extends Route {
        void stream(HttpExchange exchange) throws IOException;

        @Override
        default Response handle(HttpExchange exchange) {
            throw new UnsupportedOperationException("a stream answers through stream()");
        }
    }

    /** The exchange attribute that holds the authenticated {@link HttpAuth.Caller}. */
    public static final String CALLER = "kafka-sas.caller";

    /** The exchange attribute that holds the {@code Authorization} value the caller was admitted with. */
    private static final String CREDENTIAL = "kafka-sas.credential";

    /**
     * The {@code Authorization} value {@code exchange} was admitted with (from its header or session cookie), for a
     * call made on the caller's behalf; null without one.
     */
    public static String credential(HttpExchange exchange) {
        return (String) exchange.getAttribute(CREDENTIAL);
    }

    /** The authenticated caller of {@code exchange} ({@link HttpAuth#ANYONE} when authentication is off). */
    public static HttpAuth.Caller caller(HttpExchange exchange) {
        return exchange.getAttribute(CALLER) instanceof HttpAuth.Caller caller ? caller : HttpAuth.ANYONE;
    }

    /** The name of the token that authenticated {@code exchange}; null when none did (authentication is off). */
    public static String callerName(HttpExchange exchange) {
        return exchange.getAttribute(CALLER) instanceof HttpAuth.Caller caller && caller != HttpAuth.ANYONE
            ? caller.name() : null;
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

    /**
     * Threads that read requests and answer the quick routes; they never wait on Kafka. The JDK's server reads a
     * request's head on one of them, so a client that trickles it holds one until it is cut off: a dozen such
     * clients must not take every thread from the health check.
     */
    private static final int SERVER_THREADS = 32;
    /** The longest a client may take to send a request, in seconds, before the JDK's server closes it. */
    private static final String MAX_REQUEST_SECONDS = "10";

    static {
        // read by the JDK's server when it first starts; a value given with -D wins
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
        // without it an answer's head and body leave as two small writes, and on a kept-alive connection the body
        // waits for the client's delayed ACK: about 40 ms on every call of a Java client (measured with bench
        // dashboard and the JDK's HttpClient: 47-51 ms for a static page, 3-5 ms over new connections)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    /** Threads that serve the other routes, which may wait (an acknowledgement, another instance). */
    private static final int WORK_THREADS = 16;
    private static final int WORK_QUEUE = 256;
    /** Streams open at once; one more is answered 503. */
    private static final int STREAM_THREADS = 32;

    private final HttpServer server;
    private final List<ExecutorService> pools;

    private HttpApi(HttpServer server, List<ExecutorService> pools) {
        this.server = server;
        this.pools = pools;
    }

    /** Who may call, and how: the settings, and whether a browser's session cookie is a credential too. */
    private record Access(HttpSettings settings, ClientRateLimit limit, boolean sessionCookie) {
    }

    /**
     * Starts serving {@code routes} (path prefix to route) on {@code settings}. The {@code quick} ones (health) are
     * answered on the threads that read requests, to anyone; the rest, each {@link Guarded}, to callers with the
     * role, on a pool of their own, so that requests waiting on Kafka (a broker that does not answer) never hold up
     * a health check. A full pool answers 503 at once.
     */
    public static HttpApi start(HttpSettings settings, Map<String, Route> routes, Set<String> quick) {
        return start(settings, routes, quick, false);
    }

    /**
     * As above; with {@code sessionCookie}, a call without an {@code Authorization} header may carry the token in
     * the {@value Wire#SESSION_COOKIE} cookie (a browser's), and then a call other than GET must also carry the
     * {@value Wire#CSRF_HEADER} header. Only the dashboard accepts cookies: the APIs take headers alone.
     */
    public static HttpApi start(HttpSettings settings, Map<String, Route> routes, Set<String> quick,
                                boolean sessionCookie) {
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
            server = settings.tls() == null ? HttpServer.create(address, 64) : https(address, settings.tls());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + settings.host() + ":" + settings.port()
                + " (set http.port / SAS_HTTP_PORT to a free port, or 0 for any)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(SERVER_THREADS, daemons("http-"));
        ExecutorService work = new ThreadPoolExecutor(WORK_THREADS, WORK_THREADS, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(WORK_QUEUE), daemons("http-work-"));
        ExecutorService streams = new ThreadPoolExecutor(0, STREAM_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemons("http-stream-"));
        Access access = new Access(settings, settings.requestsPerSecondPerClient() > 0
            ? new ClientRateLimit(settings.requestsPerSecondPerClient()) : null, sessionCookie);
        routes.forEach((path, route) -> {
            if (!quick.contains(path) && !(route instanceof Guarded)) {
                throw new IllegalArgumentException("The route " + path + " names no role");
            }
        });
        routes.forEach((path, route) -> server.createContext(path, quick.contains(path)
            ? exchange -> serve(exchange, route)
            : exchange -> {
                if (!admitted(exchange, access, ((Guarded) route).role().apply(exchange))) {
                    return;
                }
                try {
                    if (((Guarded) route).route() instanceof StreamRoute stream) {
                        streams.execute(() -> stream(exchange, stream));
                    } else {
                        work.execute(() -> serve(exchange, route));
                    }
                } catch (RejectedExecutionException e) {
                    respond(exchange, Response.error(503, "Too many requests in progress; try again shortly"));
                }
            }));
        server.setExecutor(executor);
        server.start();
        return new HttpApi(server, List.of(executor, work, streams));
    }

    /** Whether the call is within its client's rate and its caller has {@code role}; if not, answers why. */
    private static boolean admitted(HttpExchange exchange, Access access, Role role) {
        HttpSettings settings = access.settings();
        if (access.limit() != null && !access.limit().allow(exchange.getRemoteAddress().getAddress(),
            System.nanoTime())) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            respond(exchange, Response.error(429, "Too many requests from " + exchange.getRemoteAddress()
                .getAddress().getHostAddress() + " (" + HttpSettings.REQUESTS_PER_SECOND_PER_CLIENT + " = "
                + settings.requestsPerSecondPerClient() + "); try again in a second"));
            return false;
        }
        String authorization = exchange.getRequestHeaders().getFirst(Wire.AUTHORIZATION);
        if (authorization == null && access.sessionCookie()) {
            String session = sessionToken(exchange);
            if (session != null) {
                if (!"GET".equals(exchange.getRequestMethod())
                    && exchange.getRequestHeaders().getFirst(Wire.CSRF_HEADER) == null) {
                    respond(exchange, Response.error(403, "A change made with the session cookie needs the "
                        + Wire.CSRF_HEADER + " header (the dashboard's pages send it)"));
                    return false;
                }
                authorization = Wire.bearer(session);
            }
        }
        return authorized(exchange, settings.auth(), authorization, role);
    }

    /** The query parameters of {@code uri}, decoded; a parameter without a value is the empty string. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    /** The token in the request's {@value Wire#SESSION_COOKIE} cookie, or null. */
    private static String sessionToken(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String cookie : header.split(";")) {
                String[] pair = cookie.strip().split("=", 2);
                if (pair.length == 2 && Wire.SESSION_COOKIE.equals(pair[0])) {
                    return pair[1];
                }
            }
        }
        return null;
    }

    private static HttpsServer https(InetSocketAddress address, HttpTls tls) throws IOException {
        HttpsServer server = HttpsServer.create(address, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.context().getDefaultSSLParameters();
                parameters.setNeedClientAuth(tls.clientAuth());
                params.setSSLParameters(parameters);
            }
        });
        return server;
    }

    /** Whether the caller has {@code role}; if not, answers 401 or 403 with the reason. */
    private static boolean authorized(HttpExchange exchange, HttpAuth auth, String authorization, Role role) {
        HttpAuth.Verdict verdict = auth.check(authorization, role,
            exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        if (verdict.allowed()) {
            exchange.setAttribute(CALLER, verdict.caller());
            if (authorization != null) { // the exchange's attributes hold no null
                exchange.setAttribute(CREDENTIAL, authorization);
            }
            return true;
        }
        if (verdict.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kafka-sas\"");
        }
        respond(exchange, Response.error(verdict.status(), verdict.reason()));
        return false;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, prefix + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void serve(HttpExchange exchange, Route route) {
        Response response;
        try {
            response = route.handle(exchange);
        } catch (RuntimeException | IOException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = Response.error(500, "Internal error: " + e);
        }
        respond(exchange, response);
    }

    private static void stream(HttpExchange exchange, StreamRoute route) {
        try {
            route.stream(exchange);
        } catch (IOException e) {
            LOG.debug("Stream {} ended: {}", exchange.getRequestURI(), e.toString()); // the client went away
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, Response response) {
        try (OutputStream body = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            body.write(response.body());
        } catch (IOException e) {
            LOG.debug("Could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                e.toString());
        } finally {
            exchange.close();
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080} ({@code https} with TLS). */
    public String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://" + server.getAddress().getHostString() + ":"
            + port();
    }

    @Override
    public void close() {
        server.stop(0);
        pools.forEach(ExecutorService::shutdownNow);
    }
}
