package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.app.HttpApi.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static HttpRequest.Builder request(HttpApi api, String path) {
        return HttpRequest.newBuilder(URI.create(api.url() + path));
    }
}
