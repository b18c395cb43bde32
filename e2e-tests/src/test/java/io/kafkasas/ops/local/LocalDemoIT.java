package io.kafkasas.ops.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.ops.OpsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The README's first command, shortened: broker, registry, scheduler and agents as processes, and the demo; and the
 * same on a broker that demands SASL_SSL and ACLs, each app its own principal ({@code --secure}).
 */
class LocalDemoIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "secure: {0}")
    @ValueSource(booleans = {false, true})
    void shouldRunTheDemoWorkloadToTheEndWithEveryAppInItsOwnProcess(boolean secure) {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));
        List<String> args = new ArrayList<>(List.of("local", "--dir", dir.toString(), "--demo-tasks", "40",
            "--agents", "2", "--exit-after-demo"));
        if (secure) {
            args.add("--secure");
        }

        int exit = command.execute(args.toArray(String[]::new));

        String printed = output.toString();
        assertThat(exit).as(printed).isZero();
        assertThat(printed.contains("Kafka security    SASL_SSL, SCRAM-SHA-512, ACLs per app")).isEqualTo(secure);
        // 40 tasks, the kept one of a duplicate pair, and one invalid request over Kafka
        assertThat(printed).contains("42/42 ended", "The HTTP API refused a request", "unknown queue");
        // kind, tasks, SUCCEEDED, DEAD_LETTERED, REJECTED, CANCELLED, not ended, re-run (by the killed agent)
        assertThat(printed).containsPattern("noop\\s+16\\s+16\\s+0\\s+0\\s+0\\s+0\\s");
        assertThat(printed).containsPattern("long\\s+4\\s+4\\s+0\\s+0\\s+0\\s+0\\s");
        assertThat(printed).containsPattern("invalid\\s+1\\s+0\\s+0\\s+1\\s+0\\s+0\\s");
        // failing tasks are retried by the supervisor (3 attempts), then dead-lettered
        assertThat(printed).containsPattern("failing\\s+2\\s+0\\s+2\\s+0\\s+0\\s+0\\s+2");
        // which agent ran what depends on timing (the killed one may end with none): only the table is asserted
        // the demo schedule fires every 5 s while the demo runs
        assertThat(printed).contains("Schedule demo-date: 'date -u' every 5 s")
            .containsPattern("Scheduled: schedule runs [1-9]\\d* \\([1-9]\\d* SUCCEEDED\\)");
        // the release pipeline, once through and once undone newest first (verify fails after its 2 attempts)
        assertThat(printed).containsPattern("Pipeline demo-release-\\d{6}-through: SUCCEEDED\n")
            .containsPattern("Pipeline demo-release-\\d{6}-undone: COMPENSATED \\(step verify ended DEAD_LETTERED")
            .containsPattern("package \\[COMPENSATED]\\s+after test, lint")
            .containsPattern("deploy \\[COMPENSATED]\\s+after package")
            .containsPattern("verify \\[FAILED]");
        // the two HTTP calls count against the demo's limit, and each gave its place back
        assertThat(printed).contains("Limit demo-api: the HTTP calls start at most 2 a second, 2 at once")
            .containsPattern("http\\s+2\\s+2\\s+0\\s").contains("Limit demo-api: 2 released, 0 running, 0 waiting");
        assertThat(printed).contains("Tasks run per agent: {", ">>> kill -9 local-2",
            "restarts 1 (the last process ended with exit code 137)");
    }
}
