package io.kafkasas.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.Role;
import io.kafkasas.schemas.Wire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionRoutesTest {

    private static final String TOKEN = HttpAuth.newToken();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() {
        HttpSettings settings = new HttpSettings("127.0.0.1", 0, 0, HttpAuth.of(true,
            HttpAuth.entry("viewer", Set.of(Role.READ), TOKEN), null, null));
        SessionRoutes session = new SessionRoutes(settings);
        Map<String, HttpApi.Route> routes = new HashMap<>(session.open());
        routes.putAll(session.guarded());
        api = HttpApi.start(settings, routes, session.open().keySet(), true);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldKeepAKnownTokenInAnHttpOnlyCookieThatThenSignsTheCallsIn() throws Exception {
        assertThat(post("/login", "{\"token\":\"" + HttpAuth.newToken() + "\"}").statusCode()).isEqualTo(401);
        assertThat(post("/login", "{\"token\":\"has;a semicolon\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> signedIn = post("/login", "{\"token\":\"" + TOKEN + "\"}");
        assertThat(signedIn.statusCode()).isEqualTo(200);
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(Wire.SESSION_COOKIE + "=" + TOKEN + ";").contains("HttpOnly", "SameSite=Strict");

        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/me"))
            .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"viewer\"", "\"roles\":[\"read\"]");

        assertThat(post("/logout", "").headers().firstValue("Set-Cookie")).get().asString().contains("Max-Age=0");
    }

    @Test
    void shouldSlowDownAClientThatGuessesTokens() throws Exception {
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> guess = post("/login", "{\"token\":\"" + HttpAuth.newToken() + "\"}");
            if (guess.statusCode() == 429) {
                refused++;
            }
        }
        // a burst of 4, then 2 a second: 20 guesses in a few seconds are mostly refused
        assertThat(refused).isGreaterThanOrEqualTo(10);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
