package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.kafka.CertificateAuthority;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.tls.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpApiTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** As when every submission waits for a broker that does not answer: the health check still answers at once. */
    @Test
    void shouldAnswerHealthWhileEveryWorkThreadWaits() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        AtomicInteger waitingForKafka = new AtomicInteger();
        HttpApi api = AppEndpoints.start(settings(2000), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", AppEndpoints.requires(Role.SUBMIT, exchange -> {
                waitingForKafka.incrementAndGet();
                try {
                    brokerBack.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.json(202, Map.of());
            })));
        try {
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                waiting.add(http.sendAsync(request(api, "/tasks").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()));
            }
            await().until(() -> waitingForKafka.get() >= 16); // every work thread waits

            HttpResponse<String> health = http.send(request(api, "/health").timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            brokerBack.countDown();
            assertThat(waiting).allSatisfy(w -> assertThat(w.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202));
        } finally {
            brokerBack.countDown();
            api.close();
        }
    }

    /**
     * Clients that trickle a request a byte at a time (slowloris) hold no thread that health needs, and are cut off
     * once they have taken longer than a request may.
     */
    @Test
    void shouldAnswerHealthWhileSlowClientsTrickleTheirRequests() throws Exception {
        HttpApi api = AppEndpoints.start(settings(2000), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", AppEndpoints.requires(Role.SUBMIT, exchange -> Response.json(202, Map.of()))));
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                Socket socket = new Socket("127.0.0.1", api.port());
                socket.getOutputStream().write(("POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            for (int round = 0; round < 3; round++) { // within the 2 s after which the server cuts them off
                for (Socket socket : slow) {
                    socket.getOutputStream().write('X'); // headers that never end
                }
                HttpResponse<String> health = http.send(request(api, "/health").timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
            api.close();
        }
    }

    /** A client that never finishes its request is cut off once it has taken longer than a request may. */
    @Test
    void shouldCloseAConnectionWhoseRequestNeverEnds() throws Exception {
        HttpApi api = AppEndpoints.start(settings(2000), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of());
        long limitSeconds = Long.parseLong(System.getProperty("sun.net.httpserver.maxReqTime"));
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(limitSeconds + 5));
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();

            int read = socket.getInputStream().read();

            assertThat(read).as("closed, not answered").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(limitSeconds + 3));
        } finally {
            api.close();
        }
    }

    /** A client past its rate gets 429 with Retry-After; another client, and health, are served meanwhile. */
    @Test
    void shouldAnswerAFloodingClient429AndServeTheOthers() throws Exception {
        HttpApi api = AppEndpoints.start(settings(5), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", AppEndpoints.requires(Role.SUBMIT, exchange -> Response.json(202, Map.of()))));
        try {
            HttpResponse<String> refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                HttpResponse<String> answer = http.send(request(api, "/tasks").POST(HttpRequest.BodyPublishers
                    .noBody()).build(), HttpResponse.BodyHandlers.ofString());
                refused = answer.statusCode() == 429 ? answer : null;
            }
            assertThat(refused).as("a client far past 5 requests a second is refused").isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("http.requests.per.second.per.client");
            assertThat(http.send(request(api, "/health").build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(200);
            try (Socket other = new Socket()) { // another address of this machine is another client
                other.bind(new InetSocketAddress("127.0.0.2", 0));
                other.connect(new InetSocketAddress("127.0.0.1", api.port()));
                other.getOutputStream().write("POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(other.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(answer).isEqualTo("HTTP/1.1 202");
            }
        } finally {
            api.close();
        }
    }

    /** Health is open; every other route answers 401 without a known token and 403 without the role it needs. */
    @Test
    void shouldAdmitOnlyKnownTokensWithTheRoleNeeded() throws Exception {
        String submitter = HttpAuth.newToken();
        String reader = HttpAuth.newToken();
        HttpAuth auth = HttpAuth.of(true, HttpAuth.entry("ci", Set.of(Role.SUBMIT), submitter) + ";"
            + HttpAuth.entry("grafana", Set.of(Role.READ), reader), null, null);
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0, 0, auth),
            () -> new Health(true, true, "RUNNING"), () -> "up 1\n", Map.of("/tasks", AppEndpoints.requires(
                Role.SUBMIT, exchange -> Response.json(202, Map.of("by", ((HttpAuth.Caller) exchange.getAttribute(
                    HttpApi.CALLER)).name())))));
        try {
            assertThat(send(api, "/health", null).statusCode()).isEqualTo(200);

            HttpResponse<String> none = send(api, "/tasks", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kafka-sas\"");
            assertThat(none.body()).contains("Authorization: Bearer");
            assertThat(send(api, "/tasks", "Basic " + submitter).statusCode()).isEqualTo(401);
            assertThat(send(api, "/tasks", Wire.bearer(HttpAuth.newToken())).body())
                .contains("not known");

            HttpResponse<String> wrongRole = send(api, "/tasks", Wire.bearer(reader));
            assertThat(wrongRole.statusCode()).isEqualTo(403);
            assertThat(wrongRole.body()).contains("'grafana' may not POST /tasks", "'submit'")
                .doesNotContain(reader);
            assertThat(send(api, "/metrics", Wire.bearer(submitter)).statusCode()).isEqualTo(403);

            HttpResponse<String> allowed = send(api, "/tasks", Wire.bearer(submitter));
            assertThat(allowed.statusCode()).isEqualTo(202);
            assertThat(allowed.body()).contains("\"by\":\"ci\"");
            assertThat(send(api, "/metrics", Wire.bearer(reader)).body()).isEqualTo("up 1\n");
        } finally {
            api.close();
        }
    }

    /**
     * Where a session cookie is accepted (the dashboard), it is a credential like the header, but a change made with
     * it needs the dashboard's own header, which another site's page cannot send; elsewhere a cookie is no credential.
     */
    @Test
    void shouldTakeASessionCookieOnlyWhereAllowedAndAChangeOnlyWithTheDashboardHeader() throws Exception {
        String operator = HttpAuth.newToken();
        HttpSettings settings = new HttpSettings("127.0.0.1", 0, 0, HttpAuth.of(true,
            HttpAuth.entry("ops", Set.of(Role.OPERATE, Role.READ), operator), null, null));
        Map<String, HttpApi.Route> routes = Map.of("/tasks", AppEndpoints.requires(Role.OPERATE,
            exchange -> Response.json(202, Map.of("by", HttpApi.caller(exchange).name(),
                "credential", String.valueOf(HttpApi.credential(exchange))))));
        HttpApi dashboard = HttpApi.start(settings, routes, Set.of(), true);
        HttpApi api = HttpApi.start(settings, routes, Set.of(), false);
        String cookie = Wire.SESSION_COOKIE + "=" + operator;
        try {
            HttpResponse<String> forged = http.send(request(dashboard, "/tasks").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains(Wire.CSRF_HEADER);

            HttpResponse<String> fromThePage = http.send(request(dashboard, "/tasks").header("Cookie", "a=b; " + cookie)
                .header(Wire.CSRF_HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(fromThePage.statusCode()).isEqualTo(202);
            assertThat(fromThePage.body()).contains("\"by\":\"ops\"", Wire.bearer(operator));

            HttpResponse<String> elsewhere = http.send(request(api, "/tasks").header("Cookie", cookie)
                .header(Wire.CSRF_HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(elsewhere.statusCode()).as("an API takes no cookie").isEqualTo(401);
        } finally {
            dashboard.close();
            api.close();
        }
    }

    /** A stream answers as it goes, on threads of its own: a quick route still answers while streams stay open. */
    @Test
    void shouldKeepStreamsOpenWithoutHoldingUpOtherRoutes() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        HttpApi.StreamRoute events = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                stop.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        HttpApi api = HttpApi.start(settings(0), Map.of("/events", new HttpApi.Guarded(exchange -> Role.READ,
            events), "/tasks", AppEndpoints.readOnly(exchange -> Response.json(200, Map.of()))), Set.of());
        List<CompletableFuture<HttpResponse<InputStream>>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(http.sendAsync(request(api, "/events").build(), HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (CompletableFuture<HttpResponse<InputStream>> stream : open) {
                HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
                assertThat(new String(response.body().readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\n");
            }
            assertThat(http.send(request(api, "/tasks").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        } finally {
            stop.countDown();
            api.close();
        }
    }

    /** With no token configured, nothing but health is served: the default refuses an unauthenticated caller. */
    @Test
    void shouldRefuseEveryCallerWhenNoTokenIsConfigured() throws Exception {
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0, 0, HttpAuth.of(true, null, null, null)),
            () -> new Health(true, true, "RUNNING"), () -> "", Map.of("/tasks", AppEndpoints.requires(Role.SUBMIT,
                exchange -> Response.json(202, Map.of()))));
        try {
            HttpResponse<String> refused = send(api, "/tasks", Wire.bearer(HttpAuth.newToken()));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(send(api, "/tasks", null).body()).contains("no token configured", "http.auth.tokens.file");
            assertThat(send(api, "/health", null).statusCode()).isEqualTo(200);
        } finally {
            api.close();
        }
    }

    /** With a keystore the endpoints speak HTTPS; with client auth required, only to callers with a certificate. */
    @Test
    void shouldServeHttpsAndDemandACertificateWhenToldTo(@TempDir Path dir) throws Exception {
        CertificateAuthority authority = CertificateAuthority.create("test-ca");
        authority.issue("server", dir.resolve("server.p12"), "pw");
        authority.issue("caller", dir.resolve("caller.p12"), "pw");
        authority.writeTruststore(dir.resolve("trust.p12"), "pw");
        TlsContexts.Store trust = store(dir.resolve("trust.p12"));
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0, 0, HttpAuth.none(), new HttpTls(
                TlsContexts.of(store(dir.resolve("server.p12")), trust, "test"), true)),
            () -> new Health(true, true, "RUNNING"), () -> "", Map.of());
        try {
            assertThat(api.url()).startsWith("https://");
            HttpClient withCertificate = HttpClient.newBuilder().sslContext(TlsContexts.of(
                store(dir.resolve("caller.p12")), trust, "test")).build();
            HttpClient without = HttpClient.newBuilder().sslContext(TlsContexts.of(null, trust, "test")).build();

            assertThat(withCertificate.send(request(api, "/health").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> without.send(request(api, "/health").build(),
                HttpResponse.BodyHandlers.ofString())).as("no certificate, no answer").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(api.url().replace("https", "http")
                + "/health")).build(), HttpResponse.BodyHandlers.ofString())).as("plain HTTP")
                .isInstanceOf(IOException.class);
        } finally {
            api.close();
        }
    }

    private static TlsContexts.Store store(Path file) {
        return new TlsContexts.Store(file.toString(), "PKCS12", "pw", null);
    }

    /** A route that names no role cannot be served: forgetting one cannot open an endpoint. */
    @Test
    void shouldRefuseToStartARouteWithoutARole() {
        assertThatThrownBy(() -> AppEndpoints.start(settings(0), () -> new Health(true, true, "RUNNING"), () -> "",
            Map.of("/open", exchange -> Response.json(200, Map.of()))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/open names no role");
    }

    private HttpResponse<String> send(HttpApi api, String path, String authorization) throws Exception {
        HttpRequest.Builder request = request(api, path);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (path.equals("/tasks")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpSettings settings(int requestsPerSecondPerClient) {
        return new HttpSettings("127.0.0.1", 0, requestsPerSecondPerClient, HttpAuth.none());
    }

    private static HttpRequest.Builder request(HttpApi api, String path) {
        return HttpRequest.newBuilder(URI.create(api.url() + path));
    }
}
