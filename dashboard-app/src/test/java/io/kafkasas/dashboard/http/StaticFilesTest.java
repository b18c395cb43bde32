package io.kafkasas.dashboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StaticFilesTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private HttpApi api;

    @BeforeEach
    void start() {
        api = HttpApi.start(new HttpSettings("127.0.0.1", 0, 0, HttpAuth.of(true, null, null, null)),
            Map.of("/", new StaticFiles(), "/webjars/", new StaticFiles()), Set.of("/", "/webjars/"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldServeThePagesAndTheirLibrariesFromTheJarToAnyone() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
            .contains("default-src 'self'");
        assertThat(page.body()).contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/dashboard.js");
        assertThat(get("/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").body()).contains("uPlot");
    }

    @Test
    void shouldServeNothingOutsideItsFolders() throws Exception {
        assertThat(get("/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get("/webjars/../../logback.xml").statusCode()).isEqualTo(404);
        assertThat(raw("GET /../logback.xml HTTP/1.1")).startsWith("HTTP/1.1 404");
        assertThat(raw("GET /%2e%2e/logback.xml HTTP/1.1")).startsWith("HTTP/1.1 404");
        assertThat(raw("GET /web/..%2flogback.xml HTTP/1.1")).startsWith("HTTP/1.1 404");
        assertThat(get("/.hidden").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A request line as written, which a client library would normalise first. */
    private String raw(String requestLine) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(64), StandardCharsets.US_ASCII);
        }
    }
}
