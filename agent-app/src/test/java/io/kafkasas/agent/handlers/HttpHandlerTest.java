package io.kafkasas.agent.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kafkasas.handler.StubTaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http handler against a real local HTTP server: what is retryable and what is not. */
class HttpHandlerTest {

    private final TaskHandler http = new HttpHandler().create(Map.of());
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/status/", exchange -> {
            int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
            byte[] body = ("answer " + status + " to " + exchange.getRequestMethod() + " "
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private StubTaskContext call(String path, String extra) {
        return StubTaskContext.json("http", "{\"url\":\"" + base + path + "\"" + extra + "}");
    }

    @Test
    void shouldSucceedOn2xxWithTheStatusAndBody() throws Exception {
        byte[] result = http.run(call("/status/200", ",\"method\":\"PUT\",\"body\":\"hello\""));

        assertThat(new String(result, StandardCharsets.UTF_8)).contains("\"status\":200", "answer 200 to PUT hello");
    }

    @Test
    void shouldFailRetryablyOn5xx() {
        assertThatThrownBy(() -> http.run(call("/status/503", "")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("http.5xx");
                assertThat(e.retryable()).isTrue();
            });
    }

    @Test
    void shouldFailForGoodOn4xx() {
        assertThatThrownBy(() -> http.run(call("/status/404", "")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("http.4xx");
                assertThat(e.retryable()).isFalse();
                assertThat(e.detail()).contains("answer 404");
            });
    }

    @Test
    void shouldFailRetryablyWhenNothingListens() {
        server.stop(0);
        assertThatThrownBy(() -> http.run(call("/status/200", "")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> http.run(StubTaskContext.json("http", "{\"url\":\"file:///etc/passwd\"}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("http.bad-payload");
                assertThat(e.retryable()).isFalse();
            });
    }
}
