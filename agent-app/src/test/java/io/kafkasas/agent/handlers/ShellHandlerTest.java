package io.kafkasas.agent.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.handler.StubTaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellHandlerTest {

    private final TaskHandler shell = new ShellHandler().create(Map.of("allowed.commands", "echo, sleep, sh"));

    private static StubTaskContext shell(String json) {
        return StubTaskContext.json("shell", json);
    }

    @Test
    void shouldRefuseACommandOutsideTheAllowList() {
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"rm\",\"args\":[\"-rf\",\"/tmp/x\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.not-allowed");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("'rm'", "allow-list");
            });
    }

    @Test
    void shouldRefuseAShellStringDisguisedAsACommand() {
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"echo hi; rm -rf /\"}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.type())
                .isEqualTo("shell.not-allowed"));
    }

    @Test
    void shouldPassArgumentsLiterallyAndCaptureOutput() throws Exception {
        byte[] result = shell.run(shell("{\"command\":\"echo\",\"args\":[\"$(id)\",\"a;b\"]}"));

        String json = new String(result, StandardCharsets.UTF_8);
        assertThat(json).contains("\"exitCode\":0", "$(id) a;b");
    }

    @Test
    void shouldFailWithTheExitCodeAndStderrTail() {
        assertThatThrownBy(() -> shell.run(shell(
            "{\"command\":\"sh\",\"args\":[\"-c\",\"echo broken >&2; exit 3\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.exit");
                assertThat(e.getMessage()).contains("exited with 3");
                assertThat(e.detail()).contains("broken");
                assertThat(e.retryable()).isTrue();
            });
    }

    @Test
    void shouldKillTheProcessWhenCancelled() throws Exception {
        StubTaskContext context = shell("{\"command\":\"sleep\",\"args\":[\"30\"]}");
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                shell.run(context);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        assertThat(context.awaitCancelListener(Duration.ofSeconds(10))).isTrue();
        long start = System.nanoTime();
        context.cancel();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
