package io.kafkasas.supervisor;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.agents.AgentLiveness;
import io.kafkasas.supervisor.agents.HeardFrom;
import io.kafkasas.supervisor.tasks.Backoff;
import io.kafkasas.supervisor.tasks.TaskSupervisor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.DoubleSupplier;
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
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The supervisor's topology, built by a plain function. Two sub-topologies and a global table:
 *
 * <pre>
 *   tasks.&lt;queue&gt; + task-status ──▶ task-supervisor [supervisor-tasks, supervisor-task-timers]
 *        (by task id)                   ──▶ task events (attempt n+1), statuses, CANCEL_TASK, dead letters
 *
 *   heartbeats ─▶ heartbeats-by-agent ─┐
 *   task-status ─▶ statuses-by-agent ──┴▶ agent-liveness [supervisor-agents]
 *        (by agent id)                  ──▶ FAILED(agent.dead) per orphaned attempt, RESTART
 *
 *   host-heartbeats ──▶ global table [supervisor-hosts] (every instance: which host runs which agent)
 * </pre>
 *
 * The task topics and the status topic must have the same number of partitions (provisioning gives them
 * {@code topics.partitions}): one task's events and statuses meet in one task. Every node, store and internal
 * topic is named; {@code SupervisorTopologyTest} pins the names.
 */
public final class SupervisorTopology {

    public static final String TASKS_STORE = "supervisor-tasks";
    public static final String TIMERS_STORE = "supervisor-task-timers";
    public static final String AGENTS_STORE = "supervisor-agents";
    public static final String HOSTS_STORE = "supervisor-hosts";
    public static final String TASK_SUPERVISOR = "task-supervisor";
    public static final String AGENT_LIVENESS = "agent-liveness";

    private SupervisorTopology() {
    }

    public static Topology build(SupervisorConfig config, TopicNames names, AvroSerdes serdes,
                                 SupervisorMetrics metrics, DoubleSupplier random, HeardFrom heardFrom) {
        Topics topics = new Topics(names, serdes);
        Serde<String> keys = Serdes.String();
        Serde<TaskEvent> events = topics.tasks(names.queues().get(0)).valueSerde();
        Serde<TaskStatus> statuses = topics.taskStatus().valueSerde();
        Serde<AgentHeartbeat> heartbeats = topics.heartbeats().valueSerde();
        StreamsBuilder builder = new StreamsBuilder();
        // cached: a task's record changes 4+ times within a commit interval, an agent's with every status; the
        // changelog gets the last value per commit instead of every one
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASKS_STORE), keys,
            serdes.forValues(SupervisedTask.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE), keys,
            Serdes.Integer()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AGENTS_STORE), keys,
            serdes.forValues(SupervisedAgent.class)).withCachingEnabled());

        List<String> taskTopics = names.queues().stream().map(names::tasks).toList();
        // every source is checked first: what fails a check is dead-lettered (DeadLetteringHandler), and nothing
        // downstream meets a tombstone or a key that is not its value's
        KStream<String, TaskStatus> status = builder.stream(names.taskStatus(),
                Consumed.with(keys, statuses).withName("status-source"))
            .mapValues((k, v) -> RecordChecks.check(names.taskStatus(), k, v), Named.as("status-checked"));
        KStream<String, SpecificRecord> taskInput = builder.stream(taskTopics,
                Consumed.with(keys, events).withName("tasks-source"))
            .mapValues((k, v) -> (SpecificRecord) RecordChecks.check("the task topics", k, v),
                Named.as("tasks-checked"))
            .merge(status.mapValues(v -> (SpecificRecord) v, Named.as("statuses-as-records")), Named.as("task-input"));
        Backoff backoff = new Backoff(config.retryJitter(), random);
        route(taskInput.process(() -> new TaskSupervisor(TASKS_STORE, TIMERS_STORE, config.checkInterval(),
                config.deadlineGrace(), backoff, metrics, names), Named.as(TASK_SUPERVISOR), TASKS_STORE,
            TIMERS_STORE),
            TASK_SUPERVISOR, topics, keys);

        KStream<String, SpecificRecord> beats = builder.stream(names.heartbeats(),
                Consumed.with(keys, heartbeats).withName("heartbeats-source"))
            .mapValues((k, v) -> RecordChecks.check(names.heartbeats(), k, v), Named.as("heartbeats-checked"))
            .repartition(Repartitioned.with(keys, heartbeats).withName("heartbeats-by-agent")
                .withNumberOfPartitions(config.agentPartitions()))
            .mapValues(v -> (SpecificRecord) v, Named.as("heartbeats-as-records"));
        KStream<String, SpecificRecord> agentStatuses = status
            .filter((k, s) -> s.getAgentId() != null && s.getStatus() != TaskStatusType.PROGRESS,
                Named.as("agent-statuses"))
            .selectKey((k, s) -> s.getAgentId(), Named.as("agent-statuses-by-agent"))
            .repartition(Repartitioned.with(keys, statuses).withName("statuses-by-agent")
                .withNumberOfPartitions(config.agentPartitions()))
            .mapValues(v -> (SpecificRecord) v, Named.as("agent-statuses-as-records"));
        route(beats.merge(agentStatuses, Named.as("agent-input")).process(() -> new AgentLiveness(AGENTS_STORE,
            config.checkInterval(), config.suspectAfter(), config.heartbeatTimeout(), metrics, heardFrom),
            Named.as(AGENT_LIVENESS), AGENTS_STORE), AGENT_LIVENESS, topics, keys);
        builder.globalTable(names.hostHeartbeats(), Consumed.with(keys, topics.hostHeartbeats().valueSerde())
                .withName("host-heartbeats-source"),
            Materialized.<String, HostHeartbeat, KeyValueStore<Bytes, byte[]>>as(HOSTS_STORE)
                .withKeySerde(keys).withValueSerde(topics.hostHeartbeats().valueSerde()));
        return builder.build();
    }

    /** Sends each output of {@code processor} to its topic, by type. */
    private static void route(KStream<String, SpecificRecord> out, String processor, Topics topics,
                              Serde<String> keys) {
        TopicNames names = topics.names();
        out.split(Named.as(processor + "-"))
            .branch((k, v) -> v instanceof TaskEvent, Branched.withConsumer(s -> s
                .mapValues(v -> (TaskEvent) v, Named.as(processor + "-events"))
                .to((k, v, c) -> names.tasks(v.getQueue()), Produced.with(keys,
                    topics.tasks(names.queues().get(0)).valueSerde()).withName(processor + "-events-sink")), "event"))
            .branch((k, v) -> v instanceof TaskStatus, Branched.withConsumer(s -> s
                .mapValues(v -> (TaskStatus) v, Named.as(processor + "-statuses"))
                .to(names.taskStatus(), Produced.with(keys, topics.taskStatus().valueSerde())
                    .withName(processor + "-status-sink")), "status"))
            .branch((k, v) -> v instanceof AgentCommand, Branched.withConsumer(s -> s
                .mapValues(v -> (AgentCommand) v, Named.as(processor + "-commands"))
                .to(names.agentCommands(), Produced.with(keys, topics.agentCommands().valueSerde())
                    .withName(processor + "-command-sink")), "command"))
            .branch((k, v) -> v instanceof DeadLetter, Branched.withConsumer(s -> s
                .map((k, v) -> KeyValue.pair(k.getBytes(StandardCharsets.UTF_8), (DeadLetter) v),
                    Named.as(processor + "-dead-letters"))
                .to(names.deadLetters(), Produced.with(Serdes.ByteArray(), topics.deadLetters().valueSerde())
                    .withName(processor + "-dead-letter-sink")), "dead-letter"))
            .noDefaultBranch();
    }
}
