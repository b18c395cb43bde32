package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestGroups;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guarantees 1-3 against a real broker and real processes: an agent killed with SIGKILL while it runs tasks is
 * declared dead within the heartbeat timeout, its attempts are re-emitted and finished by the other agent, it is
 * told to restart, and every task ends SUCCEEDED exactly once.
 */
@RealKafka
class DeadAgentIT {

    private static final Logger LOG = LoggerFactory.getLogger(DeadAgentIT.class);

    @TempDir
    Path dir;

    @Test
    void shouldFinishEveryTaskOfAKilledAgentElsewhereExactlyOnce(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
            SchedulerConfig schedulerConfig = SchedulerConfig.of(withStateDir(settings, "scheduler"));
            Topics topics = schedulerConfig.shared().topics();
            TestTopics.create(kafka, topics.names().all(), 6);
            List<ChildJvm> agents = new ArrayList<>();
            try (SchedulerApp intake = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
                 SupervisorApp supervision = SupervisorApp.start(
                     SupervisorConfig.of(withStateDir(settings, "supervisor")));
                 TaskClient client = TaskClient.create(schedulerConfig.shared());
                 RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                     List.of(topics.names().taskStatus()), new StringDeserializer(),
                     topics.taskStatus().valueSerde().deserializer());
                 RecordCollector<String, TaskEvent> events = new RecordCollector<>(kafka,
                     List.of(topics.names().tasks("default")), new StringDeserializer(),
                     topics.tasks("default").valueSerde().deserializer());
                 RecordCollector<String, AgentCommand> commands = new RecordCollector<>(kafka,
                     List.of(topics.names().agentCommands()), new StringDeserializer(),
                     topics.agentCommands().valueSerde().deserializer())) {
                agents.add(TestSettings.agentProcess(settings, "agent-1", 8, "dead-agent-it-agent-1"));
                agents.add(TestSettings.agentProcess(settings, "agent-2", 8, "dead-agent-it-agent-2"));
                // both must hold partitions before the tasks come, or a late one finds them all taken
                TestGroups.awaitMembers(kafka, AppIds.agentGroup("", topics.names()), 2, Duration.ofSeconds(60));
                List<String> ids = submitSleeps(client, 12);
                await().atMost(Duration.ofSeconds(90)).until(() -> started(statuses, "agent-1") > 0
                    && statuses.values(s -> s.getStatus() == TaskStatusType.STARTED).size() >= ids.size());
                long killedAt = System.nanoTime();
                agents.get(0).process().destroyForcibly(); // kill -9

                // what the victim had not ended is known once its last committed statuses are read: a task that
                // succeeded just before the kill is not the supervisor's to re-emit
                await().atMost(Duration.ofSeconds(30)).until(() -> events.values(
                    e -> e.getEmitReason() == EmitReason.AGENT_DEAD).stream().map(TaskEvent::getTaskId).toList()
                    .containsAll(runningOn(statuses, "agent-1")));
                Duration reemitted = Duration.ofNanos(System.nanoTime() - killedAt);
                List<String> onVictim = runningOn(statuses, "agent-1");
                assertThat(onVictim).as("tasks of 4 s running on the agent killed").isNotEmpty();
                await().atMost(Duration.ofSeconds(90)).until(() -> statuses.values(
                    s -> s.getStatus() == TaskStatusType.SUCCEEDED).size() >= ids.size());
                Duration finished = Duration.ofNanos(System.nanoTime() - killedAt);
                LOG.info("kill -9 of agent-1 with {} running tasks: re-emitted after {} ms, all {} tasks succeeded"
                    + " {} ms after the kill", onVictim.size(), reemitted.toMillis(), ids.size(), finished.toMillis());

                Map<String, Long> succeeded = statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED)
                    .stream().collect(Collectors.groupingBy(TaskStatus::getTaskId, Collectors.counting()));
                assertThat(succeeded).containsOnlyKeys(ids).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
                assertThat(statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED
                    && onVictim.contains(s.getTaskId()))).allMatch(s -> "agent-2".equals(s.getAgentId())
                        && s.getAttempt() == 2);
                assertThat(reemitted).as("heartbeat timeout 5 s + 1 s, + up to 1 s since the last heartbeat")
                    .isLessThan(Duration.ofSeconds(7));
                assertThat(commands.values()).anyMatch(c -> c.getType() == AgentCommandType.RESTART
                    && c.getAgentId().equals("agent-1"));
                assertThatQueriesShow(supervision.httpUrl(), onVictim.get(0));
            } finally {
                agents.forEach(ChildJvm::close);
            }
        }
    }

    private static List<String> submitSleeps(TaskClient client, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(
                "{\"ms\":4000}".getBytes(StandardCharsets.UTF_8))).build()).get());
        }
        return ids;
    }

    private Map<String, String> withStateDir(Map<String, String> settings, String app) {
        Map<String, String> withDir = new HashMap<>(settings);
        withDir.put("streams.state.dir", dir.resolve(app).toString());
        return withDir;
    }

    /** The supervisor's query API tells the story: the re-emitted task, the dead agent. */
    private static void assertThatQueriesShow(String supervisor, String reemittedTask) throws Exception {
        JsonNode task = SupervisorView.get(supervisor + "/tasks/" + reemittedTask);
        assertThat(task.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.get("attempts").findValuesAsText("outcome")).containsExactly("FAILED", "SUCCEEDED");
        JsonNode agents = SupervisorView.get(supervisor + "/agents").get("agents");
        assertThat(agents.findValuesAsText("state")).containsExactly("DEAD", "ALIVE");
        String metrics = HttpClient.newHttpClient().send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(
            supervisor + "/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("sas_supervisor_agents_declared_dead_total{app=\"supervisor\"} 1.0",
            "sas_supervisor_detection_delay_seconds_bucket", "sas_supervisor_reemitted_total{app=\"supervisor\","
                + "reason=\"AGENT_DEAD\"}", "sas_supervisor_agents{app=\"supervisor\",state=\"DEAD\"}");
    }

    /** The tasks {@code agent} started and has not ended, from the status log. */
    private static List<String> runningOn(RecordCollector<String, TaskStatus> statuses, String agent) {
        List<String> ended = statuses.values(s -> agent.equals(s.getAgentId())
            && s.getStatus() != TaskStatusType.STARTED && s.getStatus() != TaskStatusType.PROGRESS).stream()
            .map(TaskStatus::getTaskId).toList();
        return statuses.values(s -> agent.equals(s.getAgentId()) && s.getStatus() == TaskStatusType.STARTED)
            .stream().map(TaskStatus::getTaskId).filter(id -> !ended.contains(id)).toList();
    }

    private static long started(RecordCollector<String, TaskStatus> statuses, String agent) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.STARTED && agent.equals(s.getAgentId())).size();
    }
}
