package io.kafkasas.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.ops.OpsMain;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench commands end to end, small: each runs, prints its table and writes a report with sane figures. */
@RealKafka
class BenchSmokeIT {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureASmallRunAndWriteTheReport() throws Exception {
        StringWriter output = new StringWriter();
        CommandLine command = OpsMain.commandLine().setOut(new PrintWriter(output, true));

        int exit = command.execute("bench", "--dir", dir.toString(), "--tasks", "500", "--runs", "1",
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

    /** On a cluster of one's own too: the test's broker and a registry, given by {@code --cluster}. */
    @Test
    void shouldRecoverEveryTaskOfAKilledAgentAndTimeIt(TestKafka kafka) throws Exception {
        StringWriter output = new StringWriter();
        // the stack's logs (supervisor, host, agents) stay under target/ for a failure to be read
        Path stack = Path.of("target", "bench-smoke-it", UniqueNames.of("recovery"));
        int exit;
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Path cluster = dir.resolve("cluster.properties");
            Files.writeString(cluster, String.join("\n", "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                SchemaRegistryConfig.URL + "=" + registry.url(), SasConfig.TOPIC_PREFIX + "="
                    + UniqueNames.topicPrefix(), ProvisioningConfig.REPLICATION_FACTOR + "=1"));
            exit = OpsMain.commandLine().setOut(new PrintWriter(output, true)).execute("bench", "recovery", "--dir",
                stack.toString(), "--cluster", cluster.toString(), "--rounds", "1", "--faults", "KILL",
                "--tasks-per-agent", "3", "--task-seconds", "4");
        }

        assertThat(exit).as(output.toString()).isZero();
        assertThat(output.toString()).contains("cluster " + dir.resolve("cluster.properties"));
        JsonNode round = HttpApi.JSON.readTree(stack.resolve("report/recovery.json").toFile()).at("/rounds/0");
        assertThat(round.get("reEmittedMs")).as("the killed agent's running tasks").isNotEmpty();
        for (String step : new String[] {"reEmittedMs", "restartedMs", "succeededMs"}) {
            for (JsonNode ms : round.get(step)) {
                assertThat(ms.asLong()).as("%s of every task of the killed agent: %s", step, round).isPositive();
            }
        }
    }

    @Test
    void shouldBringTheSupervisorKilledWithKill9BackToWork() throws Exception {
        StringWriter output = new StringWriter();
        // the supervisor only, the app with most state to restore: the others' kill -9 is the subject of
        // ScheduleFailoverIT, LimitsIT and DeadAgentIT, and the full run is `ops bench restart`
        int exit = OpsMain.commandLine().setOut(new PrintWriter(output, true)).execute("bench", "restart", "--dir",
            dir.toString(), "--apps", "SUPERVISOR", "--rounds", "1", "--settle-seconds", "1");

        assertThat(exit).as(output.toString()).isZero();
        JsonNode rounds = HttpApi.JSON.readTree(dir.resolve("report/restart.json").toFile()).get("rounds");
        assertThat(rounds).extracting(r -> r.get("app").asText()).containsExactly("SUPERVISOR");
        for (JsonNode round : rounds) {
            // the times are printed; the test holds that each app came back and went to work (-1: it did not)
            assertThat(round.get("answersMs").asLong()).as("%s", round).isPositive();
            assertThat(round.get("atWorkMs").asLong()).as("%s", round).isPositive();
        }
    }

    @Test
    void shouldMeasureTheSupervisorsStatePerTaskAndPerAgent() throws Exception {
        StringWriter output = new StringWriter();
        int exit = OpsMain.commandLine().setOut(new PrintWriter(output, true)).execute("bench", "scale", "--dir",
            dir.toString(), "--tasks", "400", "--agents", "8", "--steps", "2", "--settle-seconds", "1");

        assertThat(exit).as(output.toString()).isZero();
        JsonNode steps = HttpApi.JSON.readTree(dir.resolve("report/scale.json").toFile()).get("steps");
        assertThat(steps).hasSize(2);
        JsonNode last = steps.get(1);
        assertThat(last.get("tasks").asInt()).isEqualTo(400);
        // every task is in the store (a task record is well over 100 bytes), and the 1 KB target holds
        assertThat(last.get("taskStoreBytes").asLong() / 400).isBetween(100L, 1024L);
        assertThat(last.get("agentStoreBytes").asLong()).as("8 agents with 50 attempts each")
            .isGreaterThan(8 * 50 * 20);
        assertThat(last.get("heapMiB").asDouble()).isPositive();
    }

    @Test
    void shouldMeasureStartUpAndIdleMemory() throws Exception {
        StringWriter output = new StringWriter();
        int exit = OpsMain.commandLine().setOut(new PrintWriter(output, true)).execute("bench", "footprint",
            "--dir", dir.toString(), "--runs", "1", "--agents", "1", "--idle-seconds", "1");

        assertThat(exit).as(output.toString()).isZero();
        JsonNode run = HttpApi.JSON.readTree(dir.resolve("report/footprint.json").toFile()).at("/runs/0");
        assertThat(run.get("firstTaskMs").asLong()).isPositive();
        for (String app : new String[] {"scheduler", "supervisor", "agent host"}) {
            assertThat(run.at("/readyMs").get(app).asLong()).as(app).isPositive();
            assertThat(run.at("/rssMiB").get(app).asDouble()).as(app).isGreaterThan(10);
        }
        assertThat(run.at("/rssMiB").get("agent local-1").asDouble()).isGreaterThan(10);
    }
}
