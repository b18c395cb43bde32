package io.kafkasas.supervisor;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.Limits;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.agents.AgentLiveness;
import io.kafkasas.supervisor.tasks.Backoff;
import io.kafkasas.supervisor.tasks.Outputs;
import io.kafkasas.supervisor.tasks.TaskMachine;
import io.kafkasas.supervisor.tasks.TaskSupervisor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The supervisor's two topologies, built by plain functions. They run as two Kafka Streams applications in one
 * process, so that no backlog of task work delays a verdict on an agent:
 *
 * <pre>
 *   liveness (application id &lt;supervisor&gt;-liveness):
 *   heartbeats ──▶ agent-liveness [supervisor-agents] ──▶ RESTART on agent-commands
 *    (by agent id)                                     ──▶ AgentDeath on agent-deaths, to every partition
 *   host-heartbeats ──▶ global table [supervisor-hosts] (which host runs which agent)
 *
 *   tasks (application id &lt;supervisor&gt;):
 *   tasks.&lt;queue&gt; + task-status + agent-deaths ──▶ task-supervisor [supervisor-tasks, supervisor-dead-agents]
 *        (by task id; a death is on every partition)  ──▶ task events (attempt n+1), statuses, CANCEL_TASK,
 *                                                         dead letters
 * </pre>
 *
 * The task topics, the status topic and agent-deaths must have the same number of partitions (provisioning gives
 * them {@code topics.partitions}): one task's events and statuses meet in one task, and every task hears every
 * death. Every node, store and internal topic is named; {@code SupervisorTopologyTest} pins the names.
 */
public final class SupervisorTopology {

    public static final String TASKS_STORE = "supervisor-tasks";
    public static final String DEAD_AGENTS_STORE = "supervisor-dead-agents";
    public static final String AGENTS_STORE = "supervisor-agents";
    public static final String HOSTS_STORE = "supervisor-hosts";
    public static final String TASK_SUPERVISOR = "task-supervisor";
    public static final String AGENT_LIVENESS = "agent-liveness";

    private SupervisorTopology() {
    }

    /** The task state machine's topology. */
    public static Topology tasks(SupervisorConfig config, TopicNames names, AvroSerdes serdes,
                                 SupervisorMetrics metrics, DoubleSupplier random, Supplier<String> commandIds) {
        Topics topics = new Topics(names, serdes);
        Serde<String> keys = Serdes.String();
        StreamsBuilder builder = new StreamsBuilder();
        // cached: a task's record changes 3+ times within a commit interval; the changelog gets the last value per
        // commit instead of every one
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASKS_STORE), keys,
            serdes.forValues(SupervisedTask.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEAD_AGENTS_STORE), keys,
            serdes.forValues(AgentDeath.class)));

        List<String> taskTopics = names.taskTopics();
        // every source is checked first: what fails a check is dead-lettered (DeadLetteringHandler), and nothing
        // downstream meets a tombstone or a key that is not its value's
        KStream<String, SpecificRecord> statuses = builder.stream(names.taskStatus(),
                Consumed.with(keys, topics.taskStatus().valueSerde()).withName("status-source"))
            .mapValues((k, v) -> (SpecificRecord) RecordChecks.check(names.taskStatus(), k, v),
                Named.as("status-checked"));
        KStream<String, SpecificRecord> deaths = builder.stream(names.agentDeaths(),
                Consumed.with(keys, topics.agentDeaths().valueSerde()).withName("deaths-source"))
            .mapValues((k, v) -> (SpecificRecord) RecordChecks.check(names.agentDeaths(), k, v),
                Named.as("deaths-checked"));
        KStream<String, SpecificRecord> taskInput = builder.stream(taskTopics,
                Consumed.with(keys, topics.tasks(names.queues().get(0)).valueSerde()).withName("tasks-source"))
            .mapValues((k, v) -> (SpecificRecord) RecordChecks.check("the task topics", k, v),
                Named.as("tasks-checked"))
            .merge(statuses, Named.as("tasks-and-statuses"))
            .merge(deaths, Named.as("task-input"));
        TaskMachine machine = new TaskMachine(config.deadlineGrace(), new Backoff(config.retryJitter(), random),
            new Outputs(names, commandIds), metrics);
        routeTaskOutputs(taskInput.process(() -> new TaskSupervisor(TASKS_STORE, DEAD_AGENTS_STORE,
            config.checkInterval(), machine, metrics), Named.as(TASK_SUPERVISOR), TASKS_STORE, DEAD_AGENTS_STORE),
            topics, keys);
        return builder.build();
    }

    /** Agent liveness's topology: heartbeats in, verdicts out. */
    public static Topology liveness(SupervisorConfig config, TopicNames names, AvroSerdes serdes,
                                    SupervisorMetrics metrics) {
        Topics topics = new Topics(names, serdes);
        Serde<String> keys = Serdes.String();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AGENTS_STORE), keys,
            serdes.forValues(SupervisedAgent.class)).withCachingEnabled());
        routeLivenessOutputs(builder.stream(names.heartbeats(), Consumed.with(keys, topics.heartbeats().valueSerde())
                    .withName("heartbeats-source"))
                .mapValues((k, v) -> RecordChecks.check(names.heartbeats(), k, v), Named.as("heartbeats-checked"))
                .process(() -> new AgentLiveness(AGENTS_STORE, config.checkInterval(), config.suspectAfter(),
                    config.heartbeatTimeout(), metrics), Named.as(AGENT_LIVENESS), AGENTS_STORE),
            topics, keys);
        builder.globalTable(names.hostHeartbeats(), Consumed.with(keys, topics.hostHeartbeats().valueSerde())
                .withName("host-heartbeats-source"),
            Materialized.<String, HostHeartbeat, KeyValueStore<Bytes, byte[]>>as(HOSTS_STORE)
                .withKeySerde(keys).withValueSerde(topics.hostHeartbeats().valueSerde()));
        return builder.build();
    }

    /** The task state machine's outputs, each to its topic by type. */
    private static void routeTaskOutputs(KStream<String, SpecificRecord> out, Topics topics, Serde<String> keys) {
        String p = TASK_SUPERVISOR;
        out.split(Named.as(p + "-"))
            .branch((k, v) -> v instanceof TaskEvent, Branched.withConsumer(s -> events(s, p, topics, keys), "event"))
            .branch((k, v) -> v instanceof TaskStatus, Branched.withConsumer(s -> statuses(s, p, topics, keys),
                "status"))
            .branch((k, v) -> v instanceof AgentCommand, Branched.withConsumer(s -> commands(s, p, topics, keys),
                "command"))
            .branch((k, v) -> v instanceof DeadLetter, Branched.withConsumer(s -> deadLetters(s, p, topics),
                "dead-letter"))
            .noDefaultBranch();
    }

    /** Liveness's outputs: RESTART commands and verdicts. */
    private static void routeLivenessOutputs(KStream<String, SpecificRecord> out, Topics topics,
                                             Serde<String> keys) {
        String p = AGENT_LIVENESS;
        out.split(Named.as(p + "-"))
            .branch((k, v) -> v instanceof AgentCommand, Branched.withConsumer(s -> commands(s, p, topics, keys),
                "command"))
            .branch((k, v) -> v instanceof AgentDeath, Branched.withConsumer(s -> deaths(s, p, topics, keys),
                "death"))
            .noDefaultBranch();
    }

    private static void events(KStream<String, SpecificRecord> s, String p, Topics topics, Serde<String> keys) {
        TopicNames names = topics.names();
        // a task that counts against a limit goes back through the scheduler's limits, keyed by its limit key, so
        // that every attempt counts (and the one before gives its place back)
        s.map((k, v) -> {
            TaskEvent event = (TaskEvent) v;
            return KeyValue.pair(Limits.isLimited(event) ? event.getLimitKey() : k, event);
        }, Named.as(p + "-events"))
            .to((k, v, c) -> Limits.isLimited(v) ? names.limitedTasks() : names.tasks(v.getQueue(), v.getPriority()),
                Produced.with(keys,
                topics.tasks(names.queues().get(0)).valueSerde()).withName(p + "-events-sink"));
    }

    private static void statuses(KStream<String, SpecificRecord> s, String p, Topics topics, Serde<String> keys) {
        s.mapValues(v -> (TaskStatus) v, Named.as(p + "-statuses"))
            .to(topics.names().taskStatus(), Produced.with(keys, topics.taskStatus().valueSerde())
                .withName(p + "-status-sink"));
    }

    private static void commands(KStream<String, SpecificRecord> s, String p, Topics topics, Serde<String> keys) {
        s.mapValues(v -> (AgentCommand) v, Named.as(p + "-commands"))
            .to(topics.names().agentCommands(), Produced.with(keys, topics.agentCommands().valueSerde())
                .withName(p + "-command-sink"));
    }

    private static void deaths(KStream<String, SpecificRecord> s, String p, Topics topics, Serde<String> keys) {
        s.mapValues(v -> (AgentDeath) v, Named.as(p + "-deaths"))
            .to(topics.names().agentDeaths(), Produced.with(keys, topics.agentDeaths().valueSerde())
                .withStreamPartitioner(SupervisorTopology::everyPartition).withName(p + "-death-sink"));
    }

    private static void deadLetters(KStream<String, SpecificRecord> s, String p, Topics topics) {
        s.map((k, v) -> KeyValue.pair(k.getBytes(StandardCharsets.UTF_8), (DeadLetter) v),
                Named.as(p + "-dead-letters"))
            .to(topics.names().deadLetters(), Produced.with(Serdes.ByteArray(), topics.deadLetters().valueSerde())
                .withName(p + "-dead-letter-sink"));
    }

    /** A verdict on an agent goes to every partition: the agent's attempts are spread over all of them. */
    private static Optional<Set<Integer>> everyPartition(String topic, String key, AgentDeath death, int partitions) {
        return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
    }
}
