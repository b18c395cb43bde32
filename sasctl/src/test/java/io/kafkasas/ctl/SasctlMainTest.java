package io.kafkasas.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees without any system running: help, completion, and errors that say what to do. */
class SasctlMainTest {

    @TempDir
    Path dir;

    @Test
    void helpShouldListEveryCommandTheExitCodesAndExamples() throws IOException {
        Sasctl.Run help = Sasctl.run(empty(), "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("submit", "status", "watch", "agents", "dead-letters", "topics",
            "generate-completion", "Exit codes:", "  6   the scheduler refused", "Examples:");
        for (String command : new String[] {"submit", "status", "watch", "agents", "topics"}) {
            assertThat(Sasctl.run(empty(), command, "--help").out()).as(command).contains("Examples:", "sasctl ");
        }
        assertThat(Sasctl.run(empty(), "dead-letters", "replay", "--help").out()).contains("--dry-run", "--at");
    }

    @Test
    void completionScriptShouldCompleteTheCommandsAndTheirOptions() throws IOException {
        Sasctl.Run completion = Sasctl.run(empty(), "generate-completion");

        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F", "dead-letters", "--idempotency-key", "replay");
    }

    @Test
    void anUnreachableAppShouldBeNamedWithTheSettingThatPointsAtIt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Sasctl.Run run = Sasctl.run(empty(), "status", "t-1", "--supervisor", "http://127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).contains("Cannot reach the supervisor at http://127.0.0.1:" + closedPort,
            "--supervisor", "SAS_CTL_SUPERVISOR_URL").doesNotContain("Exception");
        Sasctl.Run before = Sasctl.run(empty(), "--supervisor", "http://127.0.0.1:" + closedPort, "agents");
        assertThat(before.err()).as("a flag before the subcommand counts too")
            .contains("at http://127.0.0.1:" + closedPort);
        Sasctl.Run both = Sasctl.run(empty(), "--supervisor", "http://127.0.0.1:1", "agents", "--supervisor",
            "http://127.0.0.1:" + closedPort);
        assertThat(both.err()).as("the subcommand's own flag wins").contains("at http://127.0.0.1:" + closedPort);
        Sasctl.Run nested = Sasctl.run(empty(), "--supervisor", "http://127.0.0.1:" + closedPort, "agents", "drain",
            "a-1");
        assertThat(nested.err()).as("a flag before a subcommand's subcommand counts too")
            .contains("at http://127.0.0.1:" + closedPort);
    }

    @Test
    void badInputShouldBeAUsageErrorThatSaysWhatIsWrong() throws IOException {
        Sasctl.Run badJson = Sasctl.run(empty(), "submit", "noop", "--payload", "{oops");
        assertThat(badJson.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badJson.err()).contains("The payload is not valid JSON");

        Sasctl.Run badDuration = Sasctl.run(empty(), "watch", "t-1", "--timeout", "soon");
        assertThat(badDuration.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badDuration.err()).contains("'soon' is not a duration");

        Sasctl.Run noFile = Sasctl.run(dir.resolve("missing.properties").toString(), "agents");
        assertThat(noFile.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noFile.err()).contains("Cannot read configuration file");

        Files.writeString(dir.resolve("bad.properties"), "ctl.kafka.timeout.ms=10\n");
        Sasctl.Run badSetting = Sasctl.run(dir.resolve("bad.properties").toString(), "agents");
        assertThat(badSetting.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSetting.err()).contains("ctl.kafka.timeout.ms (SAS_CTL_KAFKA_TIMEOUT_MS)");
    }

    @Test
    void durationsShouldBeReadAsPeopleWriteThem() {
        DurationConverter converter = new DurationConverter();

        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    private String empty() throws IOException {
        Path file = dir.resolve("empty.properties");
        Files.writeString(file, "");
        return file.toString();
    }
}
