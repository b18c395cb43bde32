package io.kafkasas.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.DeathCause;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Liveness;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.Times;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.UniqueNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every decision of the supervisor, driven on a manual wall clock: its two topologies in two drivers, with the
 * verdicts on agents carried from the liveness driver to the task driver as the agent-deaths topic carries them.
 * Heartbeat timeout 5 s, checks every 250 ms.
 */
class SupervisorTopologyTest {

    private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");
    private static final RetryPolicy POLICY = RetryPolicy.newBuilder().setInitialIntervalMs(1000)
        .setBackoffCoefficient(2.0).setMaxIntervalMs(60_000).setMaxAttempts(3).build();

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TopologyTestDriver livenessDriver;
    private Topology topology;
    private Topology livenessTopology;
    private Instant now = START;
    private Topics topics;
    private TestInputTopic<String, TaskEvent> tasksIn;
    private TestInputTopic<String, TaskStatus> statusIn;
    private TestInputTopic<String, AgentHeartbeat> heartbeatsIn;
    private TestOutputTopic<String, TaskEvent> tasksOut;
    private TestOutputTopic<String, TaskStatus> statusOut;
    private TestOutputTopic<String, AgentCommand> commandsOut;
    private TestOutputTopic<String, AgentCommand> livenessCommandsOut;
    private TestOutputTopic<String, AgentDeath> deathsOut;
    private TestInputTopic<String, AgentDeath> deathsIn;
    private TestOutputTopic<byte[], DeadLetter> deadLettersOut;
    private TestOutputTopic<byte[], DeadLetter> livenessDeadLettersOut;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        Contracts.trust();
        String registry = "mock://" + UniqueNames.of("supervisor");
        SupervisorConfig config = SupervisorConfig.of(Map.of(SchemaRegistryConfig.URL, registry,
            SupervisorConfig.RETRY_JITTER, "0"));
        AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, registry)),
            true);
        TopicNames names = TopicNames.defaults();
        SupervisorMetrics metrics = new SupervisorMetrics(meters);
        AtomicInteger commandIds = new AtomicInteger();
        topology = SupervisorTopology.tasks(config, names, serdes, metrics, () -> 0.5,
            () -> "c-" + commandIds.incrementAndGet());
        livenessTopology = SupervisorTopology.liveness(config, names, serdes, metrics);
        driver = new TopologyTestDriver(topology, props(config, config.streamsProperties(), serdes, "tasks"), START);
        livenessDriver = new TopologyTestDriver(livenessTopology, props(config, config.livenessProperties(), serdes,
            "liveness"), START);
        topics = new Topics(names, serdes);
        tasksIn = input(driver, topics.tasks("default"));
        statusIn = input(driver, topics.taskStatus());
        deathsIn = input(driver, topics.agentDeaths());
        heartbeatsIn = input(livenessDriver, topics.heartbeats());
        tasksOut = output(driver, topics.tasks("default"));
        statusOut = output(driver, topics.taskStatus());
        commandsOut = output(driver, topics.agentCommands());
        deadLettersOut = output(driver, topics.deadLetters());
        livenessCommandsOut = output(livenessDriver, topics.agentCommands());
        deathsOut = output(livenessDriver, topics.agentDeaths());
        livenessDeadLettersOut = output(livenessDriver, topics.deadLetters());
    }

    private Properties props(SupervisorConfig config, Map<String, Object> configured, AvroSerdes serdes,
                             String dir) {
        Properties props = SupervisorApp.streamsProperties(configured, SupervisorApp.deadLetterSink(config, serdes,
            meters));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(dir).toString());
        return props;
    }

    private static <K, V> TestInputTopic<K, V> input(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static <K, V> TestOutputTopic<K, V> output(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        livenessDriver.close();
    }

    /** What liveness decided reaches the task state machine, as agent-deaths carries it; its RESTARTs are kept. */
    private void deliverVerdicts() {
        for (var death : deathsOut.readRecordsToList()) {
            deathsIn.pipeInput(death.key(), death.value(), now);
        }
    }

    /** The commands of both applications: RESTART from liveness, CANCEL_TASK from the task state machine. */
    private List<AgentCommand> commands() {
        List<AgentCommand> all = new ArrayList<>(livenessCommandsOut.readValuesToList());
        all.addAll(commandsOut.readValuesToList());
        return all;
    }

    // ---- the story of a task, told as inputs

    private void task(String id, Long timeoutMs) {
        TaskEvent event = TaskEvent.newBuilder().setTaskId(id).setAttempt(1).setQueue("default").setType("sleep")
            .setExecutionTimeoutMs(timeoutMs).setRetryPolicy(POLICY).setSubmittedAt(now).setEmittedAt(now).build();
        tasksIn.pipeInput(id, event, now);
        tasksOut.readValuesToList(); // the input itself, not a decision
    }

    private void status(String id, int attempt, TaskStatusType type, TaskError error) {
        statusBy("agent-a", id, attempt, type, error);
    }

    private void statusBy(String agent, String id, int attempt, TaskStatusType type, TaskError error) {
        statusIn.pipeInput(id, TaskStatus.newBuilder().setTaskId(id).setAttempt(attempt).setStatus(type)
            .setTimestamp(now).setAgentId(agent).setIncarnation(1L).setError(error).build(), now);
    }

    private void succeededWith(String agent, String id, int attempt, String result) {
        statusIn.pipeInput(id, TaskStatus.newBuilder().setTaskId(id).setAttempt(attempt)
            .setStatus(TaskStatusType.SUCCEEDED).setTimestamp(now).setAgentId(agent).setIncarnation(1L)
            .setResult(ByteBuffer.wrap(result.getBytes(StandardCharsets.UTF_8))).build(), now);
    }

    private void heartbeat(String agent, long incarnation) {
        heartbeatsIn.pipeInput(agent, AgentHeartbeat.newBuilder().setAgentId(agent).setHostId("h")
            .setIncarnation(incarnation).setSequence(1).setTimestamp(now).setCapacity(4).setFreeSlots(4).build(),
            now);
        deliverVerdicts();
    }

    private static TaskError error(String type, boolean retryable) {
        return TaskError.newBuilder().setType(type).setMessage("it broke").setRetryable(retryable).build();
    }

    private void advance(Duration by) {
        Instant until = now.plus(by);
        while (now.isBefore(until)) {
            Duration step = Duration.ofMillis(Math.min(250, Duration.between(now, until).toMillis()));
            now = now.plus(step);
            livenessDriver.advanceWallClockTime(step);
            deliverVerdicts();
            driver.advanceWallClockTime(step);
        }
    }

    /** Advances the clock while the agent keeps sending heartbeats every second. */
    private void advanceAlive(String agent, Duration by) {
        advanceAlive(agent, 1, by);
    }

    private void advanceAlive(String agent, long incarnation, Duration by) {
        for (long s = 0; s < by.toSeconds(); s++) {
            advance(Duration.ofSeconds(1));
            heartbeat(agent, incarnation);
        }
    }

    private SupervisedTask state(String id) {
        KeyValueStore<String, SupervisedTask> store = driver.getKeyValueStore(SupervisorTopology.TASKS_STORE);
        return store.get(id);
    }

    private SupervisedAgent agent(String id) {
        KeyValueStore<String, SupervisedAgent> store = livenessDriver.getKeyValueStore(
            SupervisorTopology.AGENTS_STORE);
        return store.get(id);
    }

    // ---- dead agents

    @Test
    void shouldReemitTheTasksOfADeadAgentAndTellItToRestartWithinTheTimeout() {
        heartbeat("agent-a", 1);
        task("t-1", null);
        status("t-1", 1, TaskStatusType.STARTED, null);

        advance(Duration.ofMillis(4_750));
        assertThat(tasksOut.isEmpty()).as("nothing before the timeout").isTrue();
        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.SUSPECT);
        advance(Duration.ofMillis(500));

        TaskEvent second = tasksOut.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getEmitReason()).isEqualTo(EmitReason.AGENT_DEAD);
        AgentCommand restart = livenessCommandsOut.readValue();
        assertThat(restart.getType()).isEqualTo(AgentCommandType.RESTART);
        assertThat(restart.getAgentId()).isEqualTo("agent-a");
        assertThat(restart.getTargetIncarnation()).isEqualTo(1L);
        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.DEAD);
        assertThat(state("t-1").getState()).isEqualTo(SupervisedTaskState.QUEUED);
        assertThat(state("t-1").getAttempts()).extracting(a -> a.getOutcome()).containsExactly(TaskStatusType.FAILED);
    }

    @Test
    void shouldReemitATaskThatStartedAfterTheAgentsLastHeartbeat() {
        heartbeat("agent-a", 1);
        advance(Duration.ofSeconds(3));
        task("t-2", null);
        status("t-2", 1, TaskStatusType.STARTED, null); // its last sign of life

        advance(Duration.ofMillis(5_250));

        assertThat(tasksOut.readValuesToList()).extracting(TaskEvent::getTaskId, TaskEvent::getAttempt)
            .containsExactly(tuple("t-2", 2));
    }

    @Test
    void shouldNotReemitATaskThatEndedBeforeItsAgentDied() {
        heartbeat("agent-a", 1);
        task("t-3", null);
        status("t-3", 1, TaskStatusType.STARTED, null);
        status("t-3", 1, TaskStatusType.SUCCEEDED, null);

        advance(Duration.ofSeconds(6));

        assertThat(tasksOut.isEmpty()).isTrue();
        assertThat(livenessCommandsOut.readValue().getType()).isEqualTo(AgentCommandType.RESTART);
        assertThat(state("t-3").getState()).isEqualTo(SupervisedTaskState.SUCCEEDED);
    }

    @Test
    void shouldBringAnAgentBackOnlyUnderANewIncarnation() {
        heartbeat("agent-a", 1);
        advance(Duration.ofSeconds(6));
        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.DEAD);

        heartbeat("agent-a", 1);
        assertThat(agent("agent-a").getLiveness()).as("the dead incarnation stays dead").isEqualTo(Liveness.DEAD);
        heartbeat("agent-a", 2);

        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.ALIVE);
        assertThat(agent("agent-a").getIncarnation()).isEqualTo(2L);
        assertThat(agent("agent-a").getRestarts()).isEqualTo(1);
    }

    @Test
    void shouldReemitTheTasksOfAnIncarnationReplacedBeforeItWasDeclaredDead() {
        heartbeat("agent-a", 1);
        task("t-20", null);
        status("t-20", 1, TaskStatusType.STARTED, null);
        advance(Duration.ofSeconds(2)); // killed; its host starts it again within the heartbeat timeout

        heartbeat("agent-a", 2);

        TaskEvent second = tasksOut.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getEmitReason()).isEqualTo(EmitReason.AGENT_DEAD);
        assertThat(commands()).as("no RESTART: it has been restarted").isEmpty();
        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.ALIVE);
        assertThat(agent("agent-a").getRestarts()).isEqualTo(1);
        task("t-late", null);
        status("t-late", 1, TaskStatusType.STARTED, null); // the old process's, read late: orphaned at once
        assertThat(tasksOut.readValuesToList()).extracting(TaskEvent::getTaskId, TaskEvent::getAttempt)
            .containsExactly(tuple("t-late", 2));
        advanceAlive("agent-a", 2, Duration.ofSeconds(6));
        assertThat(tasksOut.isEmpty()).as("nothing re-emitted twice").isTrue();
    }

    @Test
    void shouldOrphanOnlyTheAttemptsOfTheIncarnationThatEnded() {
        heartbeat("agent-a", 1);
        task("t-21", null);
        status("t-21", 1, TaskStatusType.STARTED, null);
        task("t-22", null);

        statusIn.pipeInput("t-22", TaskStatus.newBuilder().setTaskId("t-22").setAttempt(1)
            .setStatus(TaskStatusType.STARTED).setTimestamp(now).setAgentId("agent-a").setIncarnation(2L).build(), now);
        heartbeat("agent-a", 2);

        assertThat(tasksOut.readValuesToList()).extracting(TaskEvent::getTaskId, TaskEvent::getAttempt)
            .as("only the former incarnation's attempt")
            .containsExactly(tuple("t-21", 2));
        assertThat(state("t-22").getState()).isEqualTo(SupervisedTaskState.RUNNING);
        assertThat(state("t-22").getIncarnation()).isEqualTo(2L);
    }

    @Test
    void shouldJudgeAnAgentByItsHeartbeatsAloneNotByItsStatuses() {
        heartbeat("agent-a", 1);
        for (int s = 0; s < 4; s++) { // no heartbeat comes; its statuses do
            advance(Duration.ofSeconds(1));
            task("t-4" + s, null);
            status("t-4" + s, 1, TaskStatusType.STARTED, null);
        }
        assertThat(tasksOut.isEmpty()).isTrue();

        advance(Duration.ofMillis(1_250)); // 5.25 s after its last heartbeat

        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.DEAD);
        assertThat(tasksOut.readValuesToList()).extracting(TaskEvent::getTaskId).containsExactlyInAnyOrder("t-40",
            "t-41", "t-42", "t-43");
    }

    // ---- fencing

    @Test
    void shouldRecordAResultFromAReplacedAttemptAsStaleAndKeepOnlyTheWinnersResult() {
        heartbeat("agent-a", 1);
        task("t-4", null);
        status("t-4", 1, TaskStatusType.STARTED, null);
        advance(Duration.ofMillis(5_250));
        assertThat(tasksOut.readValue().getAttempt()).isEqualTo(2);

        succeededWith("agent-a", "t-4", 1, "stale");

        assertThat(state("t-4").getState()).isEqualTo(SupervisedTaskState.QUEUED);
        assertThat(state("t-4").getResult()).isNull();
        assertThat(state("t-4").getStaleResults()).isEqualTo(1);
        assertThat(state("t-4").getAttempts()).extracting(a -> a.getOutcome())
            .containsExactly(TaskStatusType.FAILED, TaskStatusType.STALE);
        statusBy("agent-b", "t-4", 2, TaskStatusType.STARTED, null);
        succeededWith("agent-b", "t-4", 2, "the outcome");
        assertThat(state("t-4").getState()).isEqualTo(SupervisedTaskState.SUCCEEDED);
        assertThat(StandardCharsets.UTF_8.decode(state("t-4").getResult()).toString()).isEqualTo("the outcome");
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldTreatAStartByAnIncarnationAlreadyDeclaredDeadAsOrphanedAtOnce() {
        heartbeat("agent-a", 1);
        advance(Duration.ofMillis(5_250));
        task("t-10", null);

        status("t-10", 1, TaskStatusType.STARTED, null);

        assertThat(tasksOut.readValue().getAttempt()).isEqualTo(2);
    }

    @Test
    void shouldLetAnAttemptThatSucceedsBeforeItIsReplacedWin() {
        heartbeat("agent-a", 1);
        task("t-5", null);
        status("t-5", 1, TaskStatusType.STARTED, null);
        advance(Duration.ofSeconds(4));
        status("t-5", 1, TaskStatusType.SUCCEEDED, null);

        advance(Duration.ofSeconds(2));

        assertThat(tasksOut.isEmpty()).isTrue();
        assertThat(state("t-5").getState()).isEqualTo(SupervisedTaskState.SUCCEEDED);
    }

    // ---- retries, dead letters, release, deadlines

    @Test
    void shouldRetryOnTheBackoffScheduleThenDeadLetterWithTheWholeHistory() {
        heartbeat("agent-a", 1);
        task("t-6", null);
        status("t-6", 1, TaskStatusType.STARTED, null);
        status("t-6", 1, TaskStatusType.FAILED, error("io", true));

        advance(Duration.ofMillis(750));
        assertThat(tasksOut.isEmpty()).as("1 s back-off not over").isTrue();
        advance(Duration.ofMillis(500));
        TaskEvent second = tasksOut.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getEmitReason()).isEqualTo(EmitReason.RETRY);

        heartbeat("agent-a", 1);
        status("t-6", 2, TaskStatusType.STARTED, null);
        status("t-6", 2, TaskStatusType.FAILED, error("io", true));
        advance(Duration.ofMillis(1_750));
        heartbeat("agent-a", 1);
        assertThat(tasksOut.isEmpty()).as("2 s back-off not over").isTrue();
        advance(Duration.ofMillis(500));
        assertThat(tasksOut.readValue().getAttempt()).isEqualTo(3);

        heartbeat("agent-a", 1);
        status("t-6", 3, TaskStatusType.STARTED, null);
        status("t-6", 3, TaskStatusType.FAILED, error("io", true));

        DeadLetter letter = deadLettersOut.readValue();
        assertThat(letter.getReason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(letter.getTaskId()).isEqualTo("t-6");
        assertThat(letter.getAttempts()).extracting(a -> a.getAttempt()).containsExactly(1, 2, 3);
        assertThat(letter.getTask()).as("what a replay re-submits").isNotNull();
        assertThat(letter.getTask().getTaskId()).isEqualTo("t-6");
        assertThat(letter.getSourceTopic()).isEqualTo(TopicNames.defaults().tasks(letter.getTask().getQueue()));
        assertThat(statusOut.readValuesToList()).extracting(TaskStatus::getStatus)
            .contains(TaskStatusType.DEAD_LETTERED);
        assertThat(state("t-6").getState()).isEqualTo(SupervisedTaskState.DEAD_LETTERED);
        advance(Duration.ofSeconds(10));
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldCountAnAttemptThatEndedTwiceOnlyOnce() {
        heartbeat("agent-a", 1);
        task("t-13", null);
        status("t-13", 1, TaskStatusType.STARTED, null);
        status("t-13", 1, TaskStatusType.FAILED, error("io", true));

        status("t-13", 1, TaskStatusType.FAILED, error("io", true));

        assertThat(state("t-13").getFailures()).isEqualTo(1);
        assertThat(state("t-13").getStaleResults()).isEqualTo(1);
        assertThat(state("t-13").getState()).isEqualTo(SupervisedTaskState.RETRY_WAIT);
    }

    @Test
    void shouldDeadLetterANonRetryableFailureAtOnce() {
        heartbeat("agent-a", 1);
        task("t-7", null);
        status("t-7", 1, TaskStatusType.STARTED, null);
        status("t-7", 1, TaskStatusType.FAILED, error("shell.not-allowed", false));

        assertThat(deadLettersOut.readValue().getReason()).isEqualTo(DeadLetterReason.NON_RETRYABLE_FAILURE);
        advance(Duration.ofSeconds(3));
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldReemitAReleasedTaskAtOnceWithoutCountingAFailure() {
        heartbeat("agent-a", 1);
        task("t-8", null);
        status("t-8", 1, TaskStatusType.STARTED, null);
        status("t-8", 1, TaskStatusType.RELEASED, null);

        TaskEvent second = tasksOut.readValue();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getEmitReason()).isEqualTo(EmitReason.RELEASED);
        assertThat(state("t-8").getFailures()).isZero();
    }

    @Test
    void shouldReemitATaskIntoTheLaneOfItsPriority() {
        TestInputTopic<String, TaskEvent> highIn = input(driver, topics.tasks("default", Lane.HIGH));
        TestOutputTopic<String, TaskEvent> highOut = output(driver, topics.tasks("default", Lane.HIGH));
        heartbeat("agent-a", 1);
        highIn.pipeInput("t-urgent", TaskEvent.newBuilder().setTaskId("t-urgent").setAttempt(1).setQueue("default")
            .setType("sleep").setPriority(7).setRetryPolicy(POLICY).setSubmittedAt(now).setEmittedAt(now).build(),
            now);
        highOut.readValuesToList(); // the input itself
        status("t-urgent", 1, TaskStatusType.STARTED, null);

        status("t-urgent", 1, TaskStatusType.RELEASED, null);

        assertThat(highOut.readValuesToList()).extracting(TaskEvent::getAttempt).as("the high lane again")
            .containsExactly(2);
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldKnowATaskALimitHoldsBeforeItReachesALane() {
        statusIn.pipeInput("t-held", TaskStatus.newBuilder().setTaskId("t-held").setAttempt(0)
            .setStatus(TaskStatusType.QUEUED).setTimestamp(now).setLimitKey("billing-api")
            .setMessage("held by limit billing-api").build(), now);

        assertThat(state("t-held").getState()).isEqualTo(SupervisedTaskState.QUEUED);
        assertThat(state("t-held").getHeldByLimit()).isEqualTo("billing-api");

        statusOut.readValuesToList();
        statusIn.pipeInput("t-held", TaskStatus.newBuilder().setTaskId("t-held").setAttempt(0)
            .setStatus(TaskStatusType.CANCEL_REQUESTED).setTimestamp(now).setMessage("not now").build(), now);

        assertThat(statusOut.readValuesToList()).as("its end reaches the limit that holds it")
            .filteredOn(s -> s.getStatus() == TaskStatusType.CANCELLED).singleElement()
            .satisfies(s -> assertThat(s.getLimitKey()).isEqualTo("billing-api"));
    }

    @Test
    void shouldReemitALimitedTaskThroughTheLimitsKeyedByItsLimitKey() {
        TestOutputTopic<String, TaskEvent> limitedOut = output(driver, topics.limitedTasks());
        heartbeat("agent-a", 1);
        tasksIn.pipeInput("t-billed", TaskEvent.newBuilder().setTaskId("t-billed").setAttempt(1).setQueue("default")
            .setType("sleep").setLimitKey("billing-api").setRetryPolicy(POLICY).setSubmittedAt(now).setEmittedAt(now)
            .build(), now);
        tasksOut.readValuesToList(); // the input itself
        status("t-billed", 1, TaskStatusType.STARTED, null);

        status("t-billed", 1, TaskStatusType.RELEASED, null);

        assertThat(limitedOut.readKeyValuesToList()).as("back through the limit, so that it counts")
            .singleElement().satisfies(kv -> {
                assertThat(kv.key).isEqualTo("billing-api");
                assertThat(kv.value.getAttempt()).isEqualTo(2);
            });
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldCancelATaskPastItsDeadlineOnALiveAgentAndRetryIt() {
        heartbeat("agent-a", 1);
        task("t-9", 1_000L);
        status("t-9", 1, TaskStatusType.STARTED, null);

        advanceAlive("agent-a", Duration.ofSeconds(3));

        AgentCommand cancel = commandsOut.readValue();
        assertThat(livenessCommandsOut.isEmpty()).as("the agent is alive").isTrue();
        assertThat(cancel.getType()).isEqualTo(AgentCommandType.CANCEL_TASK);
        assertThat(cancel.getTaskId()).isEqualTo("t-9");
        assertThat(cancel.getAttempt()).isEqualTo(1);
        assertThat(cancel.getAgentId()).isEqualTo("agent-a");
        assertThat(state("t-9").getState()).isEqualTo(SupervisedTaskState.RETRY_WAIT);
        advanceAlive("agent-a", Duration.ofSeconds(1));
        assertThat(tasksOut.readValue().getAttempt()).isEqualTo(2);
    }

    // ---- cancellation

    private void cancel(String id) {
        statusIn.pipeInput(id, TaskStatus.newBuilder().setTaskId(id).setAttempt(0)
            .setStatus(TaskStatusType.CANCEL_REQUESTED).setTimestamp(now).setMessage("not needed").build(), now);
    }

    @Test
    void shouldKeepNoRecordOfARepeatedRequestWhoseTaskNeverRuns() {
        statusIn.pipeInput("t-repeat", TaskStatus.newBuilder().setTaskId("t-repeat").setAttempt(0)
            .setStatus(TaskStatusType.DUPLICATE).setTimestamp(now).setDuplicateOf("t-first").build(), now);

        assertThat(state("t-repeat")).isNull();
        assertThat(tasksOut.isEmpty()).isTrue();
    }

    @Test
    void shouldCancelAQueuedTaskAtOnceAndStopItIfAnAgentStartsItAnyway() {
        heartbeat("agent-a", 1);
        task("t-11", null);
        cancel("t-11");

        assertThat(state("t-11").getState()).isEqualTo(SupervisedTaskState.CANCELLED);
        assertThat(statusOut.readValuesToList()).extracting(TaskStatus::getStatus)
            .contains(TaskStatusType.CANCELLED);
        status("t-11", 1, TaskStatusType.STARTED, null);
        AgentCommand stop = commandsOut.readValue();
        assertThat(stop.getType()).isEqualTo(AgentCommandType.CANCEL_TASK);
        assertThat(stop.getTaskId()).isEqualTo("t-11");
    }

    @Test
    void shouldCancelARunningTaskOnItsAgentAndEndItCancelled() {
        heartbeat("agent-a", 1);
        task("t-12", null);
        status("t-12", 1, TaskStatusType.STARTED, null);

        cancel("t-12");

        AgentCommand stop = commandsOut.readValue();
        assertThat(stop.getType()).isEqualTo(AgentCommandType.CANCEL_TASK);
        assertThat(stop.getTargetIncarnation()).isEqualTo(1L);
        status("t-12", 1, TaskStatusType.CANCELLED, null);
        assertThat(state("t-12").getState()).isEqualTo(SupervisedTaskState.CANCELLED);
        advance(Duration.ofSeconds(6));
        assertThat(tasksOut.isEmpty()).as("the dead agent's cancelled task is not re-emitted").isTrue();
    }

    @Test
    void shouldGoOnWithTheRecordsAfterUndecodableOnes() {
        TopicNames names = TopicNames.defaults();
        for (String topic : List.of(names.taskStatus(), names.tasks("default"), names.agentDeaths())) {
            driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput("k".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8), now);
        }
        livenessDriver.createInputTopic(names.heartbeats(), new ByteArraySerializer(), new ByteArraySerializer())
            .pipeInput("k".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8), now);
        task("t-after", null);
        heartbeat("agent-a", 1);
        status("t-after", 1, TaskStatusType.STARTED, null);

        // the dead letters themselves: SupervisionIT, on a broker (this driver does not capture what a
        // deserialization handler sends)
        assertThat(state("t-after").getState()).as("the records after the poison ones").isEqualTo(
            SupervisedTaskState.RUNNING);
        assertThat(agent("agent-a").getLiveness()).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void shouldDeadLetterTombstonesAndRecordsKeyedByAStrangerAndGoOn() {
        statusIn.pipeInput("t-gone", null, now);
        heartbeatsIn.pipeInput("agent-gone", null, now);
        deathsIn.pipeInput("agent-x", AgentDeath.newBuilder().setAgentId("agent-y").setIncarnation(1)
            .setCause(DeathCause.SILENT).setDeclaredAt(now).build(), now);
        statusIn.pipeInput("not-t-1", TaskStatus.newBuilder().setTaskId("t-1").setAttempt(1)
            .setStatus(TaskStatusType.STARTED).setTimestamp(now).setAgentId("agent-a").build(), now);
        tasksIn.pipeInput("not-t-2", TaskEvent.newBuilder().setTaskId("t-2").setAttempt(1).setQueue("default")
            .setType("noop").setRetryPolicy(POLICY).setSubmittedAt(now).setEmittedAt(now).build(), now);
        task("t-after", null);
        heartbeat("agent-a", 1);
        status("t-after", 1, TaskStatusType.STARTED, null);

        assertThat(deadLettersOut.readValuesToList()).extracting(DeadLetter::getReason, DeadLetter::getSourceTopic)
            .containsExactly(tuple(DeadLetterReason.UNDECODABLE, "sas.task-status"),
                tuple(DeadLetterReason.UNPROCESSABLE, "sas.agent-deaths"),
                tuple(DeadLetterReason.UNPROCESSABLE, "sas.task-status"),
                tuple(DeadLetterReason.UNPROCESSABLE, "sas.tasks.default"));
        assertThat(livenessDeadLettersOut.readValuesToList()).extracting(DeadLetter::getReason,
            DeadLetter::getSourceTopic).containsExactly(tuple(DeadLetterReason.UNDECODABLE, "sas.heartbeats"));
        assertThat(state("t-1")).as("nothing stored for a record under a stranger key").isNull();
        assertThat(state("t-after").getState()).isEqualTo(SupervisedTaskState.RUNNING);
        assertThat(meters.get("sas.supervisor.records.dead.lettered").tag("reason", "UNPROCESSABLE").counters())
            .extracting(c -> c.count()).containsOnly(1.0);
    }

    @Test
    void shouldHoldAnAbsurdRetryPolicyAndTimeoutWithinTimeInsteadOfFailing() {
        RetryPolicy endless = RetryPolicy.newBuilder().setInitialIntervalMs(Long.MAX_VALUE)
            .setMaxIntervalMs(Long.MAX_VALUE).setBackoffCoefficient(Double.MAX_VALUE).setMaxAttempts(5).build();
        tasksIn.pipeInput("t-far", TaskEvent.newBuilder().setTaskId("t-far").setAttempt(1).setQueue("default")
            .setType("noop").setExecutionTimeoutMs(Long.MAX_VALUE).setRetryPolicy(endless).setSubmittedAt(now)
            .setEmittedAt(now).build(), now);
        heartbeat("agent-a", 1);
        status("t-far", 1, TaskStatusType.STARTED, null);
        assertThat(state("t-far").getDeadline()).isEqualTo(Times.LATEST);
        status("t-far", 1, TaskStatusType.FAILED, error("boom", true));
        advance(Duration.ofSeconds(2));

        assertThat(state("t-far").getState()).isEqualTo(SupervisedTaskState.RETRY_WAIT);
        assertThat(state("t-far").getRetryAt()).as("never, in effect").isEqualTo(Times.LATEST);
        assertThat(deadLettersOut.isEmpty()).isTrue();
        task("t-next", null);
        assertThat(state("t-next").getState()).as("the thread goes on").isEqualTo(SupervisedTaskState.QUEUED);
    }

    @Test
    void shouldCountTasksByStateAndAgentsByLivenessAsTheyChange() {
        task("t-queued", null);
        task("t-running", null);
        task("t-done", null);
        heartbeat("agent-a", 1);
        status("t-running", 1, TaskStatusType.STARTED, null);
        status("t-done", 1, TaskStatusType.STARTED, null);
        status("t-done", 1, TaskStatusType.SUCCEEDED, null);
        advanceAlive("agent-a", Duration.ofSeconds(5));

        assertThat(gauge("sas.supervisor.tasks", "state", "QUEUED")).isEqualTo(1);
        assertThat(gauge("sas.supervisor.tasks", "state", "RUNNING")).isEqualTo(1);
        assertThat(gauge("sas.supervisor.tasks", "state", "SUCCEEDED")).isEqualTo(1);
        assertThat(gauge("sas.supervisor.agents", "state", "ALIVE")).isEqualTo(1);

        advance(Duration.ofSeconds(11)); // silent: declared dead, t-running re-emitted; the counts published
        assertThat(gauge("sas.supervisor.agents", "state", "DEAD")).isEqualTo(1);
        assertThat(gauge("sas.supervisor.agents", "state", "ALIVE")).isZero();
        assertThat(gauge("sas.supervisor.tasks", "state", "RUNNING")).isZero();
        assertThat(gauge("sas.supervisor.tasks", "state", "QUEUED")).isEqualTo(2);
    }

    @Test
    void shouldTimeTasksFromSubmissionAndCountThemOnceWhenTheyEnd() {
        assertThat(meters.get("sas.supervisor.reemitted").tag("reason", "AGENT_DEAD").counter().count())
            .as("there before anything happened, for dashboards").isZero();
        heartbeat("agent-a", 1);
        task("t-timed", null);
        advanceAlive("agent-a", Duration.ofSeconds(2));
        status("t-timed", 1, TaskStatusType.STARTED, null);
        advanceAlive("agent-a", Duration.ofSeconds(3));
        status("t-timed", 1, TaskStatusType.SUCCEEDED, null);
        status("t-timed", 1, TaskStatusType.SUCCEEDED, null); // a duplicate outcome: not a second end

        assertThat(meters.get("sas.supervisor.task.started.after").timer().totalTime(TimeUnit.MILLISECONDS))
            .isEqualTo(2_000);
        assertThat(meters.get("sas.supervisor.task.succeeded.after").timer().totalTime(TimeUnit.MILLISECONDS))
            .isEqualTo(5_000);
        assertThat(meters.get("sas.supervisor.tasks.ended").tag("state", "SUCCEEDED").counter().count())
            .isEqualTo(1);
        assertThat(meters.get("sas.supervisor.tasks.ended").tag("state", "DEAD_LETTERED").counter().count())
            .isZero();
    }

    private double gauge(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).gauge().value();
    }

    @Test
    void shouldNameEveryNodeAndStoreAndGiveLivenessNoInputButHeartbeats() {
        String tasks = topology.describe().toString();
        String liveness = livenessTopology.describe().toString();

        assertThat(tasks).contains(SupervisorTopology.TASK_SUPERVISOR, SupervisorTopology.TASKS_STORE,
            SupervisorTopology.DEAD_AGENTS_STORE, "deaths-source");
        assertThat(liveness).contains(SupervisorTopology.AGENT_LIVENESS, SupervisorTopology.AGENTS_STORE,
            SupervisorTopology.HOSTS_STORE, "host-heartbeats-source");
        assertThat(tasks + liveness).doesNotContain("KSTREAM-", "KTABLE-", "repartition");
        assertThat(livenessTopology.describe().subtopologies()).singleElement().satisfies(sub ->
            assertThat(sub.nodes()).filteredOn(n -> n instanceof TopologyDescription.Source)
                .flatExtracting(n -> ((TopologyDescription.Source) n).topicSet())
                .as("no backlog of task work can stand between a heartbeat and its verdict")
                .containsExactly(TopicNames.defaults().heartbeats()));
        assertThat(sinks(livenessTopology)).containsExactlyInAnyOrder(TopicNames.defaults().agentCommands(),
            TopicNames.defaults().agentDeaths());
        assertThat(sinks(topology)).as("verdicts are liveness's alone").doesNotContain(
            TopicNames.defaults().agentDeaths());
    }

    /** The fixed topics a topology writes to. */
    private static List<String> sinks(Topology topology) {
        return topology.describe().subtopologies().stream().flatMap(sub -> sub.nodes().stream())
            .filter(n -> n instanceof TopologyDescription.Sink sink && sink.topic() != null)
            .map(n -> ((TopologyDescription.Sink) n).topic()).toList();
    }
}
