package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.SchedulerMain;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits against a real broker: a rate limit holds across three agents, and a concurrency limit of one gives the
 * place of an agent killed with SIGKILL back only when the supervisor declares that agent dead, and holds across a
 * SIGKILL of the scheduler.
 */
@RealKafka
class LimitsIT {

    private static final Logger LOG = LoggerFactory.getLogger(LimitsIT.class);

    @TempDir
    Path dir;

    @Test
    void shouldHoldARateLimitAcrossThreeAgents(TestKafka kafka) throws Exception {
        Map<String, String> settings = TestSettings.of(kafka, "mock://" + dir.getFileName());
        SchedulerConfig config = SchedulerConfig.of(TestSettings.withStateDir(settings, dir.resolve("scheduler")));
        Topics topics = config.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 6);
        List<Agent> agents = new ArrayList<>();
        try (SchedulerApp scheduler = SchedulerApp.start(config, Clock.systemUTC());
             TaskClient client = TaskClient.create(config.shared());
             RecordCollector<String, TaskStatus> statuses = statuses(kafka, topics)) {
            for (int i = 1; i <= 3; i++) {
                Map<String, String> agentSettings = new HashMap<>(settings);
                agentSettings.put(AgentConfig.AGENT_ID, "agent-" + i);
                agentSettings.put(AgentConfig.CONCURRENCY, "16");
                agents.add(Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC()));
            }
            TestGroups.awaitMembers(kafka, AppIds.agentGroup("", topics.names()), 3, Duration.ofSeconds(60));
            double rate = 25;
            assertThat(http(scheduler.httpUrl(), "PUT", "/limits/billing-api", "{\"startsPerSecond\": " + rate
                + "}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> http(scheduler.httpUrl(), "GET",
                "/limits/billing-api", null).statusCode() == 200);

            List<String> ids = submit(client, "r", 250, "noop", "billing-api", 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> ended(statuses, ids) >= ids.size());

            List<Instant> starts = startsOf(statuses, ids);
            Duration span = Duration.between(starts.get(0), starts.get(starts.size() - 1));
            int busiest = busiestWindow(starts, Duration.ofSeconds(2));
            Map<String, Long> perAgent = statuses.values(s -> s.getStatus() == TaskStatusType.STARTED).stream()
                .collect(Collectors.groupingBy(TaskStatus::getAgentId, Collectors.counting()));
            LOG.info("{} tasks under {} starts/s: first to last start {} ms ({} /s); busiest 2 s window {}; per agent"
                + " {}", ids.size(), rate, span.toMillis(), (ids.size() - 1) * 1000.0 / span.toMillis(), busiest,
                perAgent);
            assertThat(perAgent).as("every agent ran some").hasSize(3);
            // the limit's 50, plus its burst (a quarter of a second's) and those one commit brings together (53 to
            // 58 here); without the limit all 250 start within a second or two
            assertThat(busiest).as("starts in the busiest 2 s").isLessThanOrEqualTo((int) (2 * rate * 1.5));
            assertThat(span).as("250 starts at 25/s take 10 s less the burst").isGreaterThan(Duration.ofMillis(9_000));
            // every place back once the scheduler has read the last ends
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode use = HttpApi.JSON.readTree(http(scheduler.httpUrl(), "GET", "/limits/billing-api", null)
                    .body()).path("use");
                assertThat(use.path("released").asLong()).isEqualTo(ids.size());
                assertThat(use.path("running").asLong()).isZero();
            });
            assertThat(http(scheduler.httpUrl(), "GET", "/metrics", null).body()).contains(
                "sas_scheduler_limit_running{app=\"scheduler\",key=\"billing-api\"} 0.0",
                "sas_scheduler_limit_waiting{app=\"scheduler\",key=\"billing-api\",reason=\"rate_limit\"} 0.0");
        } finally {
            agents.forEach(a -> a.stop(AgentExit.STOPPED));
            agents.forEach(Agent::awaitExit);
        }
    }

    @Test
    void shouldGiveAKilledAgentsPlaceBackOnlyWhenTheSupervisorDeclaresItDead(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
            SchedulerConfig config = SchedulerConfig.of(settings);
            Topics topics = config.shared().topics();
            TestTopics.create(kafka, topics.names().all(), 6);
            List<ChildJvm> processes = new ArrayList<>();
            int port = KafkaCluster.freePort();
            try (SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(
                     TestSettings.withStateDir(settings, dir.resolve("v"))));
                 TaskClient client = TaskClient.create(config.shared());
                 RecordCollector<String, TaskStatus> statuses = statuses(kafka, topics);
                 RecordCollector<String, TaskEvent> reemitted = new RecordCollector<>(kafka,
                     List.of(topics.names().limitedTasks()), new StringDeserializer(),
                     topics.limitedTasks().valueSerde().deserializer())) {
                processes.add(scheduler(settings, port));
                processes.add(TestSettings.agentProcess(settings, "agent-1", 4, "limits-it-agent-1"));
                processes.add(TestSettings.agentProcess(settings, "agent-2", 4, "limits-it-agent-2"));
                TestGroups.awaitMembers(kafka, AppIds.agentGroup("", topics.names()), 2, Duration.ofSeconds(60));
                client.putLimit(Limit.newBuilder().setKey("deploy-prod").setMaxRunning(1)
                    .setUpdatedAt(Instant.now()).build()).get();
                String schedulerUrl = "http://127.0.0.1:" + port;
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http(schedulerUrl, "GET",
                    "/limits/deploy-prod", null).statusCode() == 200);

                List<String> ids = submit(client, "d", 5, "sleep", "deploy-prod", 3000);
                await().atMost(Duration.ofSeconds(30)).until(() -> !startsOf(statuses, ids).isEmpty());
                TaskStatus first = statuses.values(s -> s.getStatus() == TaskStatusType.STARTED).get(0);
                processes.get(first.getAgentId().equals("agent-1") ? 1 : 2).process().destroyForcibly(); // kill -9
                Instant killedAt = Instant.now(); // while it holds the only place

                // then the scheduler too, once the next task runs: its counts come back from its changelogs
                await().atMost(Duration.ofSeconds(30)).until(() -> startsOf(statuses, ids).size() >= 2);
                processes.get(0).process().destroyForcibly();
                processes.set(0, scheduler(settings, port));

                await().atMost(Duration.ofSeconds(120)).until(() -> ended(statuses, ids) >= ids.size());
                Instant declared = reemitted.values(e -> e.getEmitReason() == EmitReason.AGENT_DEAD
                    && e.getTaskId().equals(first.getTaskId())).stream().map(TaskEvent::getEmittedAt).findFirst()
                    .orElseThrow();
                List<Instant> laterStarts = statuses.values(s -> s.getStatus() == TaskStatusType.STARTED
                    && s.getTimestamp().isAfter(first.getTimestamp())).stream().map(TaskStatus::getTimestamp)
                    .sorted().toList();
                LOG.info("Killed the holder {} ms after its start; declared dead {} ms after the kill; next start {}"
                    + " ms after the verdict", Duration.between(first.getTimestamp(), killedAt).toMillis(),
                    Duration.between(killedAt, declared).toMillis(),
                    Duration.between(declared, laterStarts.get(0)).toMillis());
                assertThat(laterStarts.get(0)).as("no start before the supervisor's verdict").isAfter(declared);
                assertThat(maxRunningAtOnce(statuses.values(), first, declared)).as("across both kills")
                    .isEqualTo(1);
                assertThat(statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED)).extracting(
                    TaskStatus::getTaskId).containsExactlyInAnyOrderElementsOf(ids);
            } finally {
                processes.forEach(ChildJvm::close);
            }
        }
    }

    private ChildJvm scheduler(Map<String, String> settings, int port) throws java.io.IOException {
        return TestSettings.streamsInstance(settings, SchedulerMain.class, port, dir.resolve("scheduler"),
            "limits-it-scheduler");
    }

    private static RecordCollector<String, TaskStatus> statuses(TestKafka kafka, Topics topics) {
        return new RecordCollector<>(kafka, List.of(topics.names().taskStatus()), new StringDeserializer(),
            topics.taskStatus().valueSerde().deserializer());
    }

    private static List<String> submit(TaskClient client, String prefix, int count, String type, String limitKey,
                                       int sleepMs) throws Exception {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(client.submit(TaskClient.request(type).setTaskId(prefix + "-" + i).setLimitKey(limitKey)
                .setPayload(ByteBuffer.wrap(("{\"ms\":" + sleepMs + "}").getBytes(StandardCharsets.UTF_8)))
                .build()));
        }
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<String> ack : acks) {
            ids.add(ack.get());
        }
        return ids;
    }

    private static long ended(RecordCollector<String, TaskStatus> statuses, Collection<String> ids) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.SUCCEEDED && ids.contains(s.getTaskId()))
            .stream().map(TaskStatus::getTaskId).distinct().count();
    }

    private static List<Instant> startsOf(RecordCollector<String, TaskStatus> statuses, Collection<String> ids) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.STARTED && ids.contains(s.getTaskId())).stream()
            .map(TaskStatus::getTimestamp).sorted().toList();
    }

    /** The most starts within any {@code window}. */
    static int busiestWindow(List<Instant> sortedStarts, Duration window) {
        int most = 0;
        int from = 0;
        for (int to = 0; to < sortedStarts.size(); to++) {
            while (Duration.between(sortedStarts.get(from), sortedStarts.get(to)).compareTo(window) >= 0) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    /**
     * The most attempts running at once per the status log: each from its STARTED to its end; the killed holder's
     * attempt, which never reports an end, until the supervisor's verdict.
     */
    private static int maxRunningAtOnce(List<TaskStatus> log, TaskStatus killed, Instant verdict) {
        List<long[]> intervals = new ArrayList<>();
        for (TaskStatus start : log) {
            if (start.getStatus() != TaskStatusType.STARTED) {
                continue;
            }
            boolean isKilled = start.getTaskId().equals(killed.getTaskId())
                && start.getAttempt() == killed.getAttempt();
            Instant end = isKilled ? verdict : log.stream().filter(s -> s.getTaskId().equals(start.getTaskId())
                    && s.getAttempt() == start.getAttempt() && s.getStatus() != TaskStatusType.STARTED
                    && s.getStatus() != TaskStatusType.PROGRESS).map(TaskStatus::getTimestamp).findFirst()
                .orElse(Instant.MAX);
            intervals.add(new long[] {start.getTimestamp().toEpochMilli(), end.toEpochMilli()});
        }
        int most = 0;
        for (long[] at : intervals) {
            int running = (int) intervals.stream().filter(i -> i[0] <= at[0] && at[0] < i[1]).count();
            most = Math.max(most, running);
        }
        return most;
    }

    private static HttpResponse<String> http(String base, String method, String path, String body)
        throws Exception {
        return HttpClient.newHttpClient().send(TestAuth.authorized(HttpRequest.newBuilder(URI.create(base + path)))
            .header("Content-Type", "application/json").method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
