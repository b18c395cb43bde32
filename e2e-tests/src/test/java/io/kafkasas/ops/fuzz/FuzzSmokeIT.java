package io.kafkasas.ops.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.ops.OpsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The fuzz command, short: bad requests and records to a running stack, and it runs clean. */
class FuzzSmokeIT {

    private static final Logger LOG = LoggerFactory.getLogger(FuzzSmokeIT.class);

    @TempDir
    Path dir;

    @Test
    void shouldSurviveBadInputOnEveryApiAndTopicAndRunTheGoodTasks() {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));

        int exit = command.execute("fuzz", "--dir", dir.toString(), "--requests", "300", "--records", "300",
            "--good", "10", "--seed", "11");

        String printed = output.toString();
        LOG.info("ops fuzz printed:\n{}", printed);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Crashes (apps down or restarted)   0", "Stalls (readers behind)            0",
            "Dead letters missing or wrong      0", "HTTP answers of 500+ or none       0",
            "Good tasks not SUCCEEDED           0 of 10", "Clean.");
        assertThat(printed).containsPattern("sas.task-requests\\s+[1-9][0-9]* /\\s+[1-9]");
    }
}
