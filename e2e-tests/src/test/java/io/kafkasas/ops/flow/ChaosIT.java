package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.AgentMain;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos run that matters most: sleep tasks of 50-200 ms on 3 agent processes; mid-run one agent is killed
 * with SIGKILL and another hung with SIGSTOP, then resumed so its late results arrive. Every task must end
 * SUCCEEDED exactly once in the supervisor's view, with the zombie's late results counted as stale.
 *
 * <p>{@code -Dsas.chaos.tasks=N} sets the size (default 400 for every build; the full run is 2,000:
 * {@code mvn -B verify -pl ops -am -Dit.test=ChaosIT -Dsas.chaos.tasks=2000 -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=none}).
 */
@RealKafka
class ChaosIT {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosIT.class);
    private static final int TASKS = Integer.getInteger("sas.chaos.tasks", 400);

    @TempDir
    Path dir;

    @Test
    void shouldEndEveryTaskSucceededOnceThroughAKilledAndAHungAgent(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
            SchedulerConfig config = SchedulerConfig.of(with(settings, "streams.state.dir", "scheduler"));
            Topics topics = config.shared().topics();
            TestTopics.create(kafka, topics.names().all(), 6);
            List<ChildJvm> agents = new ArrayList<>();
            try (SchedulerApp scheduler = SchedulerApp.start(config, Clock.systemUTC());
                 SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(
                     with(settings, "streams.state.dir", "supervisor")));
                 TaskClient client = TaskClient.create(config.shared());
                 RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                     List.of(topics.names().taskStatus()), new StringDeserializer(),
                     topics.taskStatus().valueSerde().deserializer())) {
                for (int slot = 1; slot <= 3; slot++) {
                    agents.add(agent(settings, slot));
                }
                List<String> ids = submit(client);
                await().atMost(Duration.ofSeconds(120)).until(() -> succeeded(statuses).size() >= ids.size() / 4);

                long chaosAt = System.nanoTime();
                agents.get(0).process().destroyForcibly();
                signal("STOP", agents.get(1));
                await().atMost(Duration.ofSeconds(60))
                    .until(() -> SupervisorView.deadAgents(supervisor.httpUrl()) == 2);
                LOG.info("Both faulty agents declared dead {} ms after the faults",
                    Duration.ofNanos(System.nanoTime() - chaosAt).toMillis());
                // counted now, not at the SIGSTOP: statuses the hung agent sent just before it are in by now, and
                // what it still has running can only end once it resumes, as late results
                long zombieRunning = running(statuses, "agent-2");
                signal("CONT", agents.get(1)); // the zombie's late results arrive now

                // the status log has the zombie's late SUCCEEDED too: only the supervisor's view says "done"
                long[] stale = new long[1];
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    stale[0] = SupervisorView.assertSucceededOnce(supervisor.httpUrl(), ids));
                LOG.info("All {} tasks succeeded {} ms after the faults", ids.size(),
                    Duration.ofNanos(System.nanoTime() - chaosAt).toMillis());
                if (zombieRunning > 0) {
                    assertThat(stale[0]).as("late results of the %d attempts the hung agent ran", zombieRunning)
                        .isPositive();
                }
            } finally {
                signalQuietly(agents);
                agents.forEach(ChildJvm::close);
            }
        }
    }

    private Map<String, String> with(Map<String, String> settings, String key, String subdir) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(key, dir.resolve(subdir).toString());
        return copy;
    }

    private ChildJvm agent(Map<String, String> settings, int slot) throws IOException {
        return ChildJvm.start(AgentMain.class.getName(), List.of("-Xmx256m"), List.of(),
            Map.of("SAS_KAFKA_BOOTSTRAP_SERVERS", settings.get(SasConfig.KAFKA_PREFIX + "bootstrap.servers"),
                "SAS_SCHEMA_REGISTRY_URL", settings.get(SchemaRegistryConfig.URL),
                "SAS_TOPIC_PREFIX", settings.get(SasConfig.TOPIC_PREFIX), "SAS_AGENT_ID", "agent-" + slot,
                "SAS_AGENT_CONCURRENCY", "8", "SAS_HTTP_PORT", "0"),
            dir.resolve("agent-" + slot + ".log"));
    }

    private static List<String> submit(TaskClient client) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            byte[] payload = ("{\"ms\":" + (50 + (i * 37) % 151) + "}").getBytes(StandardCharsets.UTF_8);
            acks.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload)).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    /** Attempts an agent started and has not ended, from the status log. */
    private static long running(RecordCollector<String, TaskStatus> statuses, String agent) {
        long started = statuses.values(s -> agent.equals(s.getAgentId()) && s.getStatus() == TaskStatusType.STARTED)
            .size();
        long ended = statuses.values(s -> agent.equals(s.getAgentId()) && s.getStatus() != TaskStatusType.STARTED
            && s.getStatus() != TaskStatusType.PROGRESS).size();
        return started - ended;
    }

    private static Set<String> succeeded(RecordCollector<String, TaskStatus> statuses) {
        Set<String> ids = new HashSet<>();
        statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED).forEach(s -> ids.add(s.getTaskId()));
        return ids;
    }

    private static void signal(String signal, ChildJvm process) throws Exception {
        SupervisorView.signal(signal, process.pid());
    }

    private static void signalQuietly(List<ChildJvm> agents) {
        for (ChildJvm agent : agents) {
            try {
                if (agent.isAlive()) {
                    signal("CONT", agent);
                }
            } catch (Exception | AssertionError ignored) {
                // only so that close() can stop it
            }
        }
    }
}
