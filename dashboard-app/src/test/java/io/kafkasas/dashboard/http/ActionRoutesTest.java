package io.kafkasas.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.dashboard.live.DeadLetterShelf;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dead-letter routes' answers to what a page or a stranger may send; nothing here reaches Kafka. */
class ActionRoutesTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() {
        CtlConfig config = CtlConfig.of(Map.of(SchemaRegistryConfig.URL, "mock://dashboard-actions"));
        api = HttpApi.start(new HttpSettings("127.0.0.1", 0, 0, HttpAuth.none()), new ActionRoutes(config,
            new Upstream(config), new DeadLetterShelf(10), Clock.systemUTC()).routes(), Set.of());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldRefuseAReplayThatDoesNotSayWhichLetters() throws Exception {
        assertThat(replay("{}").body()).contains("Say which letters");
        assertThat(replay("{}").statusCode()).isEqualTo(400);
        assertThat(replay("[1, 2]").statusCode()).isEqualTo(400);
        assertThat(replay("not json").statusCode()).isEqualTo(400);
        assertThat(replay("{\"at\": [\"9:9\"]}").statusCode()).as("not kept here").isEqualTo(404);
        assertThat(replay("{\"all\": true}").statusCode()).as("none kept").isEqualTo(404);
    }

    @Test
    void shouldPageDeadLettersWithinBounds() throws Exception {
        assertThat(get("/api/dead-letters?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/dead-letters?limit=x").statusCode()).isEqualTo(400);
        HttpResponse<String> empty = get("/api/dead-letters?before=nowhere&reason=UNDECODABLE");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("\"deadLetters\":[]", "\"next\":null", "\"total\":0");
        assertThat(post("/api/agents/a-1/reboot", "").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> replay(String body) throws Exception {
        return post("/api/dead-letters/replay", body);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
