package io.kafkasas.ctl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What sasctl makes of the apps' answers: a store moving for a moment is asked again; a 404 is not. */
class AppApiTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/moving", exchange -> answer(exchange, calls.incrementAndGet() <= 2 ? 503 : 200));
        server.createContext("/gone", exchange -> answer(exchange, 404));
        server.start();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
        byte[] body = (status == 200 ? "{\"ok\": true}" : "{\"error\": \"status " + status + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldAskAgainWhileTheStoreIsMovingAndNotAfterANotFound() {
        AppApi scheduler = AppApi.scheduler(CtlConfig.of(Map.of(CtlConfig.SCHEDULER_URL, "http://127.0.0.1:"
            + server.getAddress().getPort())));

        assertThat(scheduler.getOk("/moving").path("ok").asBoolean()).isTrue();
        assertThat(calls).hasValue(3);
        assertThatThrownBy(() -> scheduler.getOk("/gone")).isInstanceOfSatisfying(CtlException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.NOT_FOUND));
    }
}
