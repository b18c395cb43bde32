package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestGroups;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole task flow on a real broker: scheduler, three agents, tasks submitted over Kafka and over HTTP. */
@RealKafka
class TaskFlowIT {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFlowIT.class);
    private static final int PER_PATH = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    @Test
    void shouldRunEveryTaskExactlyOnceWhenNothingFails(TestKafka kafka) throws Exception {
        Map<String, String> settings = TestSettings.of(kafka, "mock://" + UniqueNames.of("flow"));
        settings.put(StreamsApps.STREAMS_PREFIX + "state.dir", stateDir.toString());
        SchedulerConfig schedulerConfig = SchedulerConfig.of(settings);
        Topics topics = schedulerConfig.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 6);
        List<Agent> agents = new ArrayList<>();
        try (SchedulerApp scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
             TaskClient client = TaskClient.create(schedulerConfig.shared());
             RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                 List.of(topics.names().taskStatus()), new StringDeserializer(),
                 topics.taskStatus().valueSerde().deserializer())) {
            for (int i = 1; i <= 3; i++) {
                Map<String, String> agentSettings = new HashMap<>(settings);
                agentSettings.put(AgentConfig.AGENT_ID, "agent-" + i);
                agentSettings.put(AgentConfig.CONCURRENCY, "8");
                agents.add(Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC()));
            }
            TestGroups.awaitMembers(kafka, AppIds.agentGroup("", topics.names()), 3, Duration.ofSeconds(60));
            long start = System.nanoTime();
            List<String> ids = new ArrayList<>(submitOverKafka(client));
            ids.addAll(submitOverHttp(scheduler.httpUrl()));
            assertThat(Set.copyOf(ids)).hasSize(2 * PER_PATH);

            await().atMost(Duration.ofMinutes(3)).until(() -> statuses.values(
                s -> s.getStatus() == TaskStatusType.SUCCEEDED).size() >= ids.size());
            LOG.info("{} tasks submitted and succeeded in {} ms", ids.size(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());

            Map<String, List<TaskStatusType>> history = statuses.values().stream().collect(Collectors.groupingBy(
                TaskStatus::getTaskId, Collectors.mapping(TaskStatus::getStatus, Collectors.toList())));
            assertThat(history.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(history).allSatisfy((id, states) -> assertThat(states).as("statuses of %s", id)
                .containsExactly(TaskStatusType.STARTED, TaskStatusType.SUCCEEDED));
            Map<String, Long> perAgent = statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED).stream()
                .collect(Collectors.groupingBy(TaskStatus::getAgentId, Collectors.counting()));
            LOG.info("Tasks per agent: {}", perAgent);
            assertThat(perAgent).containsOnlyKeys("agent-1", "agent-2", "agent-3");
        } finally {
            agents.forEach(a -> a.stop(AgentExit.STOPPED));
            agents.forEach(Agent::awaitExit);
        }
    }

    private static List<String> submitOverKafka(TaskClient client) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < PER_PATH; i++) {
            acks.add(client.submit(TaskClient.request(i % 2 == 0 ? "noop" : "sleep").build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    private static List<String> submitOverHttp(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < PER_PATH; i++) {
            String body = JSON.writeValueAsString(Map.of("type", i % 2 == 0 ? "noop" : "sleep",
                "payload", Map.of("ms", 5)));
            inFlight.acquire();
            HttpRequest request = TestAuth.authorized(HttpRequest.newBuilder(URI.create(url + "/tasks")))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> inFlight.release())
                .thenApply(response -> {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                    return read(response.body()).get("taskId");
                }));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> read(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
