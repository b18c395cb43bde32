package io.kafkasas.agent.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.handler.StubTaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellHandlerTest {

    private final TaskHandler shell = new ShellHandler().create(Map.of("allowed.commands",
        "echo, sleep, ls, date, printenv", "args.date", "[+][A-Za-z%:-]*|-u"));

    private static String quoted(String text) {
        try {
            return new ObjectMapper().writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

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

    /** The known tricks for a command: each is refused by the exact match against the allow-list. */
    @ParameterizedTest
    @ValueSource(strings = {"echo hi; rm -rf /", "sh", "/bin/sh", "/bin/sh -c id", "../../bin/sh", "/usr/bin/echo",
        "./echo", "echo\n", "echo\u0000", "ｅｃｈｏ", "echo|id", "$(id)", "`id`", "ECHO", " echo"})
    void shouldRefuseEveryCommandThatIsNotExactlyAnEntry(String command) {
        assertThatThrownBy(() -> shell.run(StubTaskContext.json("shell", "{\"command\":" + quoted(command) + "}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.not-allowed");
                assertThat(e.getMessage()).contains("allow-list");
            });
    }

    @Test
    void shouldRefuseArgumentsWithControlCharactersOrAgainstTheCommandsRule() {
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"echo\",\"args\":[\"a\\nb\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.type())
                .isEqualTo("shell.bad-argument"));
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"echo\",\"args\":[\"a\\u0000b\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.type())
                .isEqualTo("shell.bad-argument"));
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"date\",\"args\":[\"-f\",\"/etc/passwd\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.bad-argument");
                assertThat(e.getMessage()).contains("'-f'", "handler.shell.args.date");
            });
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"echo\",\"args\":[{\"a\":1}]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.type())
                .isEqualTo("shell.bad-payload"));
    }

    @Test
    void shouldRunAnAllowedCommandWithArgumentsItsRuleAccepts() throws Exception {
        assertThat(new String(shell.run(shell("{\"command\":\"date\",\"args\":[\"-u\",\"+%Y\"]}")),
            StandardCharsets.UTF_8)).contains("\"exitCode\":0", "20");
    }

    @Test
    void shouldGiveTheCommandNoneOfTheAgentsEnvironment() throws Exception {
        String env = new String(shell.run(shell("{\"command\":\"printenv\"}")), StandardCharsets.UTF_8);

        assertThat(env).contains("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8").doesNotContain("HOME=",
            "JAVA_HOME", "USER=");
    }

    /** Shells and interpreters, also behind a link or an absolute path, cannot be put on the allow-list. */
    @Test
    void shouldRefuseAnAllowListThatNamesAnInterpreterOrNothingRunnable(@TempDir Path dir) throws Exception {
        Path innocent = Files.createSymbolicLink(dir.resolve("report"), Path.of("/bin/sh"));
        for (String entry : List.of("sh", "bash", "/bin/sh", innocent.toString(), "python3", "env", "xargs")) {
            assertThatThrownBy(() -> new ShellHandler().create(Map.of("allowed.commands", "echo," + entry)))
                .as(entry).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interpreter");
        }
        assertThatThrownBy(() -> new ShellHandler().create(Map.of("allowed.commands", "bin/echo")))
            .hasMessageContaining("relative path");
        assertThatThrownBy(() -> new ShellHandler().create(Map.of("allowed.commands", "no-such-command")))
            .hasMessageContaining("not an executable file");
        assertThatThrownBy(() -> new ShellHandler().create(Map.of("allowed.commands", "echo", "args.date", ".*")))
            .hasMessageContaining("handler.shell.args.date");
    }

    @Test
    void shouldPassArgumentsLiterallyAndCaptureOutput() throws Exception {
        byte[] result = shell.run(shell("{\"command\":\"echo\",\"args\":[\"$(id)\",\"a;b\"]}"));

        String json = new String(result, StandardCharsets.UTF_8);
        assertThat(json).contains("\"exitCode\":0", "$(id) a;b");
    }

    @Test
    void shouldFailWithTheExitCodeAndStderrTail() {
        assertThatThrownBy(() -> shell.run(shell("{\"command\":\"ls\",\"args\":[\"/no/such/path\"]}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.exit");
                assertThat(e.getMessage()).contains("exited with 2");
                assertThat(e.detail()).contains("/no/such/path");
                assertThat(e.retryable()).isTrue();
            });
    }

    @Test
    void shouldStopACommandThatWritesMoreThanItMay() {
        TaskHandler limited = new ShellHandler().create(Map.of("allowed.commands", "yes", "max.output.bytes",
            "100000"));
        long start = System.nanoTime();

        assertThatThrownBy(() -> limited.run(shell("{\"command\":\"yes\"}")))
            .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                assertThat(e.type()).isEqualTo("shell.output-limit");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("handler.shell.max.output.bytes");
            });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
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
