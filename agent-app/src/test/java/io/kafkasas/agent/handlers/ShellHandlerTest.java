package io.kafkasas.agent.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.agent.handler.TaskContext;
import io.kafkasas.agent.handler.TaskFailedException;
import io.kafkasas.agent.handler.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShellHandlerTest {

    private final TaskHandler shell = new ShellHandler().create(Map.of("allowed.commands", "echo, sleep, sh"));

    @Test
    void shouldRefuseACommandOutsideTheAllowList() {
        assertThatThrownBy(() -> shell.run(new FakeContext("{\"command\":\"rm\",\"args\":[\"-rf\",\"/tmp/x\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.not-allowed");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("'rm'", "allow-list");
            });
    }

    @Test
    void shouldRefuseAShellStringDisguisedAsACommand() {
        assertThatThrownBy(() -> shell.run(new FakeContext("{\"command\":\"echo hi; rm -rf /\"}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.type())
                .isEqualTo("shell.not-allowed"));
    }

    @Test
    void shouldPassArgumentsLiterallyAndCaptureOutput() throws Exception {
        byte[] result = shell.run(new FakeContext("{\"command\":\"echo\",\"args\":[\"$(id)\",\"a;b\"]}"));

        String json = new String(result, StandardCharsets.UTF_8);
        assertThat(json).contains("\"exitCode\":0", "$(id) a;b");
    }

    @Test
    void shouldFailWithTheExitCodeAndStderrTail() {
        assertThatThrownBy(() -> shell.run(new FakeContext(
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
        FakeContext context = new FakeContext("{\"command\":\"sleep\",\"args\":[\"30\"]}");
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                shell.run(context);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        assertThat(context.registered.await(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        context.cancel();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** A context with a payload and a cancel switch. */
    static final class FakeContext implements TaskContext {

        final CountDownLatch registered = new CountDownLatch(1);
        private final byte[] payload;
        private final List<Runnable> onCancel = new ArrayList<>();
        private final CountDownLatch cancelled = new CountDownLatch(1);

        FakeContext(String payload) {
            this.payload = payload.getBytes(StandardCharsets.UTF_8);
        }

        synchronized void cancel() {
            cancelled.countDown();
            onCancel.forEach(Runnable::run);
        }

        @Override
        public String taskId() {
            return "t";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public String type() {
            return "shell";
        }

        @Override
        public byte[] payload() {
            return payload;
        }

        @Override
        public String contentType() {
            return "application/json";
        }

        @Override
        public Instant deadline() {
            return null;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public void progress(int percent, String message) {
        }

        @Override
        public boolean isCancelled() {
            return cancelled.getCount() == 0;
        }

        @Override
        public synchronized void onCancel(Runnable action) {
            onCancel.add(action);
            registered.countDown();
        }

        @Override
        public boolean awaitCancellation(Duration timeout) throws InterruptedException {
            return cancelled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
