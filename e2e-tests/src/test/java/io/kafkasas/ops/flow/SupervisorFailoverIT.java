package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorMain;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestAuth;
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
 * Two supervisor processes with standby replicas; one is killed with SIGKILL while retries are pending. The other
 * takes over its partitions and their timers: every task still ends once, and no attempt is emitted twice.
 */
@RealKafka
class SupervisorFailoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorFailoverIT.class);
    @TempDir
    Path dir;

    @Test
    void shouldNeitherLoseNorRepeatADecisionWhenASupervisorInstanceIsKilled(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
            settings.put("streams.state.dir", dir.resolve("scheduler").toString());
            SchedulerConfig config = SchedulerConfig.of(settings);
            Topics topics = config.shared().topics();
            TestTopics.create(kafka, topics.names().all(), 6);
            List<Integer> ports = List.of(KafkaCluster.freePort(), KafkaCluster.freePort());
            List<ChildJvm> supervisors = new ArrayList<>(List.of(supervisor(settings, "a", ports.get(0)),
                supervisor(settings, "b", ports.get(1))));
            List<Agent> agents = new ArrayList<>();
            try (SchedulerApp scheduler = SchedulerApp.start(config, Clock.systemUTC());
                 TaskClient client = TaskClient.create(config.shared());
                 RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                     List.of(topics.names().taskStatus()), new StringDeserializer(),
                     topics.taskStatus().valueSerde().deserializer());
                 RecordCollector<String, TaskEvent> events = new RecordCollector<>(kafka,
                     List.of(topics.names().tasks("default")), new StringDeserializer(),
                     topics.tasks("default").valueSerde().deserializer());
                 RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
                     List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
                     topics.deadLetters().valueSerde().deserializer())) {
                agents.add(agent(settings, "agent-1"));
                agents.add(agent(settings, "agent-2"));
                await().atMost(Duration.ofSeconds(90))
                    .until(() -> ports.stream().allMatch(SupervisorFailoverIT::ready));
                List<String> failing = submit(client, 12, "{\"ms\":100,\"fail\":\"flaky\"}", 4);
                List<String> fine = submit(client, 12, "{\"ms\":1500}", 3);
                await().atMost(Duration.ofSeconds(60)).until(() -> events.values(e -> e.getAttempt() == 2).size()
                    >= failing.size() / 2);

                // every task can be asked of either instance: keys held by the other one are fetched from it
                assertThat(fine).allMatch(id -> found(ports.get(0), id) && found(ports.get(1), id));
                supervisors.get(0).process().destroyForcibly(); // kill -9 one instance, retries pending
                long killedAt = System.nanoTime();

                await().atMost(Duration.ofSeconds(120)).until(() -> ended(statuses, failing, fine));
                LOG.info("Supervisor instance killed; all {} tasks ended {} ms later", failing.size() + fine.size(),
                    Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
                assertEveryDecisionMadeOnce(events, statuses, letters, failing, fine);
            } finally {
                agents.forEach(a -> a.stop(AgentExit.STOPPED));
                agents.forEach(Agent::awaitExit);
                supervisors.forEach(ChildJvm::close);
            }
        }
    }

    /** Attempts 1-4 of every failing task and 1 of every fine one, one dead letter and one terminal status each. */
    private static void assertEveryDecisionMadeOnce(RecordCollector<String, TaskEvent> events,
                                                    RecordCollector<String, TaskStatus> statuses,
                                                    RecordCollector<byte[], DeadLetter> letters,
                                                    List<String> failing, List<String> fine) {
        // the collectors read two topics independently: give the event collector a moment to catch up
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, List<Integer>> attempts = events.values().stream().collect(Collectors.groupingBy(
                TaskEvent::getTaskId, Collectors.mapping(TaskEvent::getAttempt, Collectors.toList())));
            failing.forEach(id -> assertThat(attempts.get(id)).as(id).containsExactly(1, 2, 3, 4));
            fine.forEach(id -> assertThat(attempts.get(id)).as(id).containsExactly(1));
        });
        assertThat(letters.values()).extracting(DeadLetter::getTaskId)
            .containsExactlyInAnyOrderElementsOf(failing);
        Map<String, Long> terminal = statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED
            || s.getStatus() == TaskStatusType.DEAD_LETTERED).stream()
            .collect(Collectors.groupingBy(TaskStatus::getTaskId, Collectors.counting()));
        assertThat(terminal).hasSize(failing.size() + fine.size()).allSatisfy((id, n) -> assertThat(n)
            .as("terminal statuses of %s", id).isEqualTo(1L));
    }

    private ChildJvm supervisor(Map<String, String> settings, String name, int port) throws java.io.IOException {
        return TestSettings.streamsInstance(settings, SupervisorMain.class, port, dir.resolve("supervisor-" + name),
            "failover-supervisor-" + name);
    }

    private static Agent agent(Map<String, String> settings, String id) {
        Map<String, String> agent = new HashMap<>(settings);
        agent.put(AgentConfig.AGENT_ID, id);
        agent.put(AgentConfig.CONCURRENCY, "16");
        return Agent.start(AgentConfig.of(agent), Clock.systemUTC());
    }

    private static boolean found(int port, String taskId) {
        return statusOf(port, "/tasks/" + taskId) == 200;
    }

    private static boolean ready(int port) {
        return statusOf(port, "/health") == 200;
    }

    /** The HTTP status of GET {@code path} on a supervisor instance; -1 if it does not answer. */
    private static int statusOf(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + path))).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> submit(TaskClient client, int count, String payload, int maxAttempts)
        throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload.getBytes(
                StandardCharsets.UTF_8))).setRetryPolicy(RetryPolicy.newBuilder().setInitialIntervalMs(2000)
                .setBackoffCoefficient(1.0).setMaxAttempts(maxAttempts).build()).build()).get());
        }
        return ids;
    }

    private static boolean ended(RecordCollector<String, TaskStatus> statuses, List<String> failing,
                                 List<String> fine) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.DEAD_LETTERED).size() >= failing.size()
            && statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED).size() >= fine.size();
    }
}
