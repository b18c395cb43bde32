package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.agent.AgentAppMain;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostSlot;
import io.kafkasas.avro.HostSlotState;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent host as operators run it: a real host process whose agents are its child processes, against a real
 * broker, with the scheduler and supervisor in this JVM. Agents are killed, stopped and crash at start; the host
 * brings them back, and every task still ends SUCCEEDED exactly once.
 */
@RealKafka
class AgentHostIT {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHostIT.class);
    private static final String HOST = "h1";
    /** Kept after the run: the host's and its agents' logs tell how long each restart took and why. */
    private static final Path LOGS = Path.of("target", "agent-host-it");
    /** The example handler's jar, copied here by the build (not on the test class path). */
    private static final Path HANDLER_PLUGINS = Path.of("target", "handler-plugins").toAbsolutePath();

    @TempDir
    Path dir;
    private TestKafka kafka;
    private LocalSchemaRegistryServer registry;
    private Map<String, String> settings;
    private Topics topics;
    private RecordCollector<String, HostHeartbeat> hostBeats;
    private RecordCollector<String, AgentHeartbeat> agentBeats;
    private RecordCollector<String, TaskStatus> statuses;
    private ChildJvm host;
    private String testName;

    @BeforeEach
    void start(TestKafka kafka, TestInfo test) throws Exception {
        this.kafka = kafka;
        this.testName = test.getTestMethod().orElseThrow().getName();
        registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0);
        settings = TestSettings.of(kafka, registry.url());
        topics = SchedulerConfig.of(settings).shared().topics();
        TestTopics.create(kafka, topics.names().all(), 6);
        hostBeats = new RecordCollector<>(kafka, List.of(topics.names().hostHeartbeats()), new StringDeserializer(),
            topics.hostHeartbeats().valueSerde().deserializer());
        agentBeats = new RecordCollector<>(kafka, List.of(topics.names().heartbeats()), new StringDeserializer(),
            topics.heartbeats().valueSerde().deserializer());
        statuses = new RecordCollector<>(kafka, List.of(topics.names().taskStatus()), new StringDeserializer(),
            topics.taskStatus().valueSerde().deserializer());
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        hostBeats.close();
        agentBeats.close();
        statuses.close();
        registry.close();
    }

    /** Starts {@code java ... AgentAppMain host} with 2 agents of 4 slots each, and {@code extra} settings. */
    private ChildJvm startHost(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("SAS_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
            "SAS_SCHEMA_REGISTRY_URL", registry.url(), "SAS_TOPIC_PREFIX", settings.get(SasConfig.TOPIC_PREFIX),
            "SAS_AGENT_HOST_ID", HOST, "SAS_HOST_AGENTS", "2", "SAS_AGENT_CONCURRENCY", "4",
            "SAS_HOST_AGENT_JVM_OPTIONS", "-Xmx192m", "SAS_HOST_HTTP_PORT", "0",
            "SAS_HOST_AGENT_LOG_DIR", LOGS.resolve(testName).toString(), "SAS_HOST_RESTART_GRACE_MS", "2000"));
        env.putAll(extra);
        host = ChildJvm.start(AgentAppMain.class.getName(), List.of("-Xmx128m"), List.of("host"), env,
            LOGS.resolve(testName).resolve("host.log"));
        return host;
    }

    private HostSlot slot(int number) {
        List<HostHeartbeat> beats = hostBeats.values(h -> h.getHostId().equals(HOST));
        return beats.isEmpty() ? null : beats.get(beats.size() - 1).getSlots().get(number - 1);
    }

    /** The first heartbeat of {@code agent} from an incarnation other than {@code old}, if any. */
    private AgentHeartbeat firstBeatAfter(String agent, long old) {
        return agentBeats.values(b -> b.getAgentId().equals(agent) && b.getIncarnation() != old).stream()
            .findFirst().orElse(null);
    }

    private long running(String agent) {
        List<TaskStatus> mine = statuses.values(s -> agent.equals(s.getAgentId()));
        long started = mine.stream().filter(s -> s.getStatus() == TaskStatusType.STARTED).count();
        return started - mine.stream().filter(s -> s.getStatus() != TaskStatusType.STARTED
            && s.getStatus() != TaskStatusType.PROGRESS).count();
    }

    private List<String> submitSleeps(TaskClient client, int count, int ms) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(
                ("{\"ms\":" + ms + "}").getBytes(StandardCharsets.UTF_8))).build()).join());
        }
        return ids;
    }

    private Map<String, String> withStateDir(String app) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put("streams.state.dir", dir.resolve(app).toString());
        return copy;
    }

    @Test
    void shouldBringBackAKilledAndAStoppedAgentAndReportAGoneHost() throws Exception {
        SchedulerConfig config = SchedulerConfig.of(withStateDir("scheduler"));
        try (SchedulerApp scheduler = SchedulerApp.start(config, Clock.systemUTC());
             SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(withStateDir("supervisor")));
             TaskClient client = TaskClient.create(config.shared());
             RecordCollector<String, AgentCommand> commands = new RecordCollector<>(kafka,
                 List.of(topics.names().agentCommands()), new StringDeserializer(),
                 topics.agentCommands().valueSerde().deserializer())) {
            startHost(Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> firstBeatAfter(HOST + "-1", 0) != null
                && firstBeatAfter(HOST + "-2", 0) != null);
            List<String> ids = new ArrayList<>(submitSleeps(client, 30, 1000));

            Long killedIncarnation = slot(1).getIncarnation();
            Duration backAfterKill = restartAfter("KILL", 1);
            ids.addAll(submitSleeps(client, 30, 1000));
            Duration backAfterStop = restartAfter("STOP", 2);
            LOG.info("kill -9 of an agent: its new incarnation's first heartbeat {} ms later",
                backAfterKill.toMillis());
            LOG.info("SIGSTOP of an agent: declared dead, restarted by its host, new incarnation's first heartbeat"
                + " {} ms after the stop", backAfterStop.toMillis());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                SupervisorView.assertSucceededOnce(supervisor.httpUrl(), ids));
            // the host restarts faster than the supervisor's timeout: if the new incarnation spoke first, no RESTART
            // was sent; if one was, it came after the replacement and was ignored. Either way one restart.
            boolean lateRestart = commands.values().stream().anyMatch(c -> c.getType() == AgentCommandType.RESTART
                && c.getAgentId().equals(HOST + "-1") && killedIncarnation.equals(c.getTargetIncarnation()));
            LOG.info("RESTART for the killed incarnation: {}", lateRestart ? "sent, and ignored" : "not needed");
            assertThat(slot(1).getRestarts()).as("no second restart of the slot").isEqualTo(1);
            assertThat(slot(2).getRestarts()).isEqualTo(1);
            assertThat(slot(2).getLastExitCode()).as("SIGKILL, as a stopped process cannot act on SIGTERM")
                .isEqualTo(137);
            JsonNode alive = SupervisorView.agent(supervisor.httpUrl(), HOST + "-2");
            assertThat(alive.get("state").asText()).isEqualTo("ALIVE");
            assertThat(alive.at("/host/state").asText()).isEqualTo("RUNNING");

            assertThatAGoneHostIsReported(supervisor.httpUrl());
        }
    }

    /** Sends {@code signal} to the agent of {@code slotNumber} once it runs tasks; returns stop → new heartbeat. */
    private Duration restartAfter(String signal, int slotNumber) throws Exception {
        String agent = HOST + "-" + slotNumber;
        await().atMost(Duration.ofSeconds(60)).until(() -> running(agent) > 0);
        HostSlot before = slot(slotNumber);
        Instant faultAt = Instant.now();
        SupervisorView.signal(signal, before.getPid());
        await().atMost(Duration.ofSeconds(60)).until(() -> firstBeatAfter(agent, before.getIncarnation()) != null);
        AgentHeartbeat back = firstBeatAfter(agent, before.getIncarnation());
        assertThat(back.getIncarnation()).isGreaterThan(before.getIncarnation());
        HostSlot after = slot(slotNumber);
        LOG.info("{} of {}: ended at +{} ms, started again at +{} ms, first heartbeat at +{} ms", signal, agent,
            Duration.between(faultAt, after.getLastExitAt()).toMillis(),
            Duration.between(faultAt, after.getStartedAt()).toMillis(),
            Duration.between(faultAt, back.getTimestamp()).toMillis());
        assertThat(ProcessHandle.of(before.getPid()).map(ProcessHandle::isAlive)).as("the old process is gone")
            .isNotEqualTo(Optional.of(true));
        return Duration.between(faultAt, back.getTimestamp());
    }

    private void assertThatAGoneHostIsReported(String supervisor) throws Exception {
        List<Long> children = List.of(slot(1).getPid(), slot(2).getPid());
        Instant killedAt = Instant.now();
        host.process().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> children.stream()
            .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        LOG.info("Host killed: its agents stopped by themselves within {} ms",
            Duration.between(killedAt, Instant.now()).toMillis());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String agent : List.of(HOST + "-1", HOST + "-2")) {
                JsonNode view = SupervisorView.agent(supervisor, agent);
                assertThat(view.get("state").asText()).isEqualTo("DEAD");
                assertThat(view.get("restart").asText()).as("nobody will restart it").isEqualTo("HOST_GONE");
            }
        });
        JsonNode hosts = SupervisorView.get(supervisor + "/hosts").get("hosts");
        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).get("state").asText()).isEqualTo("GONE");
    }

    /**
     * The example handler as its docs deploy it: its jar in a plugin folder of the host's agents, configured by
     * environment, running beside the built-in handlers.
     */
    @Test
    void shouldRunAPluginHandlerBesideTheBuiltInOnes() throws Exception {
        try (TaskClient client = TaskClient.create(SchedulerConfig.of(settings).shared());
             SchedulerApp scheduler = SchedulerApp.start(SchedulerConfig.of(withStateDir("scheduler")),
                 Clock.systemUTC())) {
            startHost(Map.of("SAS_HOST_AGENTS", "1", "SAS_AGENT_HANDLER_PATH", HANDLER_PLUGINS.toString(),
                "SAS_HANDLER_WORD_COUNT_MAX_BYTES", "64"));
            Instant submitted = Instant.now();
            TaskRequest count = TaskClient.request("word-count").setIdempotencyKey("count-once").setPayload(
                ByteBuffer.wrap("kafka runs tasks\nagents report".getBytes(StandardCharsets.UTF_8))).build();
            String counted = client.submit(count).join();
            String repeated = client.submit(TaskRequest.newBuilder(count).setTaskId(null).build()).join();
            String tooLarge = client.submit(TaskClient.request("word-count").setPayload(ByteBuffer.wrap(
                "x".repeat(65).getBytes(StandardCharsets.UTF_8))).build()).join();
            String builtIn = submitSleeps(client, 1, 10).get(0);

            // the client's own wait for an outcome, read from the status topic
            TaskStatus countedOutcome = client.outcome(counted, submitted, Duration.ofSeconds(60)).join();
            assertThat(countedOutcome.getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
            assertThat(StandardCharsets.UTF_8.decode(countedOutcome.getResult()).toString())
                .isEqualTo("{\"lines\":2,\"words\":5}");
            assertThat(client.outcome(builtIn, submitted, Duration.ofSeconds(60)).join().getStatus())
                .isEqualTo(TaskStatusType.SUCCEEDED);
            // the repeat of the key ran nothing; waiting for it follows the task that ran
            assertThat(repeated).isNotEqualTo(counted);
            TaskStatus repeatedOutcome = client.outcome(repeated, submitted, Duration.ofSeconds(60)).join();
            assertThat(repeatedOutcome.getTaskId()).isEqualTo(counted);
            assertThat(repeatedOutcome.getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
            // no supervisor here to dead-letter it: the attempt's own FAILED
            await().atMost(Duration.ofSeconds(60)).until(() -> !statuses.values(s -> s.getTaskId().equals(tooLarge)
                && s.getStatus() == TaskStatusType.FAILED).isEmpty());
            TaskStatus failed = statuses.values(s -> s.getTaskId().equals(tooLarge)
                && s.getStatus() == TaskStatusType.FAILED).get(0);
            assertThat(failed.getError().getType()).as("the setting reached the handler: 65 bytes > 64")
                .isEqualTo("word-count.too-large");
            assertThat(failed.getError().getRetryable()).isFalse();
        }
    }

    @Test
    void shouldRestartAnAgentThatCrashesAtStartOnTheBackOffSchedule() throws Exception {
        startHost(Map.of("SAS_HOST_AGENTS", "1", "SAS_AGENT_HANDLERS", "no-such-handler",
            "SAS_HOST_RESTART_BACKOFF_INITIAL_MS", "500", "SAS_HOST_RESTART_BACKOFF_MAX_MS", "2000"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> slot(1) != null && slot(1).getRestarts() >= 5);

        // each restart once, as the host reported it: the wait it chose, and when the next process started
        Map<Instant, HostSlot> byExit = new LinkedHashMap<>();
        hostBeats.values(h -> h.getHostId().equals(HOST)).stream().map(h -> h.getSlots().get(0))
            .filter(s -> s.getLastExitAt() != null && s.getNextStartAt() != null)
            .forEach(s -> byExit.putIfAbsent(s.getLastExitAt(), s));
        List<Long> waits = byExit.values().stream()
            .map(s -> Duration.between(s.getLastExitAt(), s.getNextStartAt()).toMillis()).toList();
        LOG.info("Crash-looping agent: waits before its restarts {} ms", waits);
        assertThat(waits).startsWith(500L, 1000L, 2000L, 2000L);
        assertThat(byExit.values()).allMatch(s -> s.getLastExitCode() == 2, "exit 2: invalid configuration");
        List<Instant> starts = hostBeats.values(h -> h.getHostId().equals(HOST)).stream()
            .map(h -> h.getSlots().get(0).getStartedAt()).filter(Objects::nonNull).distinct().toList();
        Instant lastStart = starts.get(starts.size() - 1);
        for (HostSlot restart : byExit.values()) {
            if (restart.getNextStartAt().isBefore(lastStart)) { // the last one may still be waiting
                assertThat(starts).as("a start no earlier than the back-off allows, and not much later")
                    .anyMatch(t -> !t.isBefore(restart.getNextStartAt()) && t.isBefore(restart.getNextStartAt()
                        .plusSeconds(5)));
            }
        }
    }

    @Test
    void shouldDrainEveryAgentAndStopWhenTheHostGetsSigterm() throws Exception {
        try (TaskClient client = TaskClient.create(SchedulerConfig.of(settings).shared());
             SchedulerApp scheduler = SchedulerApp.start(SchedulerConfig.of(withStateDir("scheduler")),
                 Clock.systemUTC())) {
            startHost(Map.of("SAS_AGENT_SHUTDOWN_GRACE_MS", "2000"));
            List<String> quick = submitSleeps(client, 2, 300);
            List<String> slow = submitSleeps(client, 2, 120_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> statuses.values(s -> slow.contains(s.getTaskId())
                && s.getStatus() == TaskStatusType.STARTED).size() == 2 && statuses.values(s -> quick.contains(
                    s.getTaskId()) && s.getStatus() == TaskStatusType.SUCCEEDED).size() == 2);
            // the host's first heartbeat may list its slots before their processes run: wait for one that names them
            await().atMost(Duration.ofSeconds(10)).until(() -> slot(2) != null && slot(1).getPid() != null
                && slot(2).getPid() != null);
            List<Long> children = List.of(slot(1).getPid(), slot(2).getPid());

            int exit = host.stop(Duration.ofSeconds(60));

            assertThat(exit).as("a graceful stop: 128 + SIGTERM, as every JVM a signal stopped").isEqualTo(143);
            assertThat(children).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statuses.values(
                s -> slow.contains(s.getTaskId()) && s.getStatus() == TaskStatusType.RELEASED)).hasSize(2));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<HostHeartbeat> beats = hostBeats.values(h -> h.getHostId().equals(HOST));
                HostHeartbeat last = beats.get(beats.size() - 1);
                assertThat(last.getState()).isEqualTo(HostState.STOPPED);
                assertThat(last.getSlots()).allMatch(s -> s.getState() == HostSlotState.STOPPED);
            });
        }
    }
}
