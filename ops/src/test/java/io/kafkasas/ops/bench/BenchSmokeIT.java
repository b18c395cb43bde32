package io.kafkasas.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.ops.OpsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench command end to end, small: it runs, prints its table and writes a report with sane figures. */
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureASmallRunAndWriteTheReport() throws Exception {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));

        int exit = command.execute("bench", "--dir", dir.toString(), "--tasks", "1000", "--runs", "1",
            "--agents", "1", "--concurrency", "32", "--rates", "200", "--seconds", "3");

        String printed = output.toString();
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("end to end", "raw Kafka ceiling", "submit->started p50/p99/p99.9");
        JsonNode report = HttpApi.JSON.readTree(dir.resolve("report/report.json").toFile());
        assertThat(report.get("tasksPerSecond").asDouble()).isPositive();
        assertThat(report.get("recordsPerTask").asDouble()).as("a task is several records").isGreaterThan(4);
        assertThat(report.get("ceilingTasksPerSecond").asDouble()).isPositive();
        assertThat(report.at("/latency/0/tasks").asLong()).isEqualTo(600);
        assertThat(report.at("/latency/0/startedMs/p50").asDouble()).isNotNegative();
        assertThat(Files.readString(dir.resolve("report/throughput.svg"))).startsWith("<svg").contains("raw Kafka");
    }
}
