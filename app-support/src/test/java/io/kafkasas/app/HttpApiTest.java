package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.app.HttpApi.Response;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HttpApiTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** As when every submission waits for a broker that does not answer: the health check still answers at once. */
    @Test
    void shouldAnswerHealthWhileEveryWorkThreadWaits() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        AtomicInteger waitingForKafka = new AtomicInteger();
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", exchange -> {
                waitingForKafka.incrementAndGet();
                try {
                    brokerBack.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.json(202, Map.of());
            }));
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
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", exchange -> Response.json(202, Map.of())));
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
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0), () -> new Health(true, true, "RUNNING"),
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
        HttpApi api = AppEndpoints.start(new HttpSettings("127.0.0.1", 0, 5), () -> new Health(true, true, "RUNNING"),
            () -> "", Map.of("/tasks", exchange -> Response.json(202, Map.of())));
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

    private static HttpRequest.Builder request(HttpApi api, String path) {
        return HttpRequest.newBuilder(URI.create(api.url() + path));
    }
}
