package io.kafkasas.agent;

import io.kafkasas.app.HttpSettings;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.SasConfig;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * An agent's settings: the shared ones, its identity, concurrency and timings, its handlers
 * ({@code agent.handlers}, {@code handler.<name>.*}, {@code agent.task.type.<type>=<handler>}), and Kafka
 * client settings ({@code kafka.*}, then {@code consumer.*} / {@code producer.*}, passed through untouched).
 */
public final class AgentConfig {

    public static final String AGENT_ID = "agent.id";
    public static final String HOST_ID = "agent.host.id";
    public static final String INCARNATION = "agent.incarnation";
    public static final String PARENT_PID = "agent.parent.pid";
    public static final String GROUP_ID = AppIds.AGENT_GROUP_ID;
    public static final String CONCURRENCY = "agent.concurrency";
    public static final String LOWER_LANE_EVERY = "agent.lanes.lower.every";
    public static final String HEARTBEAT_INTERVAL_MS = "agent.heartbeat.interval.ms";
    public static final String SHUTDOWN_GRACE_MS = "agent.shutdown.grace.ms";
    public static final String CANCEL_GRACE_MS = "agent.cancel.grace.ms";
    public static final String MAX_RESULT_BYTES = "agent.max.result.bytes";
    public static final String HANDLERS = "agent.handlers";
    public static final String HANDLER_PATH = "agent.handler.path";
    public static final String TYPE_MAPPING_PREFIX = "agent.task.type.";
    public static final String HANDLER_PREFIX = "handler.";
    public static final String CONSUMER_PREFIX = "consumer.";
    public static final String PRODUCER_PREFIX = "producer.";
    public static final int DEFAULT_HTTP_PORT = 8090;

    public static final ConfigDef DEFINITION = define();

    private final SasConfig config;
    private final HttpSettings http;
    private final String agentId;
    private final String hostId;
    private final long incarnation;

    public AgentConfig(SasConfig config) {
        this.config = config;
        this.http = HttpSettings.from(config);
        String host = config.getString(HOST_ID);
        this.hostId = host.isEmpty() ? hostName() : host;
        String id = config.getString(AGENT_ID);
        this.agentId = id.isEmpty() ? hostId + "-" + ProcessHandle.current().pid() : id;
        long given = config.getLong(INCARNATION);
        // start time in ms: a later start always has a larger incarnation, without any stored counter
        this.incarnation = given > 0 ? given : ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    public static AgentConfig load(Path file, Map<String, String> env) {
        return new AgentConfig(SasConfig.load(DEFINITION, file, env));
    }

    public static AgentConfig of(Map<String, String> settings) {
        SasConfig.validate(DEFINITION, settings);
        return new AgentConfig(new SasConfig(DEFINITION, settings));
    }

    private static ConfigDef define() {
        ConfigDef def = SasConfig.define(new ConfigDef());
        HttpSettings.define(def, DEFAULT_HTTP_PORT);
        return def
            .define(AGENT_ID, Type.STRING, "", Importance.HIGH,
                "Stable id of this agent (host id + slot under an agent host); empty means <host id>-<pid>.")
            .define(HOST_ID, Type.STRING, "", Importance.MEDIUM, "Id of the host; empty means the host name.")
            .define(INCARNATION, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                "Number of this start of the agent, larger on every start; 0 means the JVM start time in ms.")
            .define(PARENT_PID, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                "Process id of the agent host that started this agent; when it ends, the agent stops gracefully."
                    + " 0 means none (set by the host).")
            .define(GROUP_ID, Type.STRING, "", Importance.MEDIUM,
                "Consumer group of the agents; empty means <topic.prefix>agents.")
            .define(LOWER_LANE_EVERY, Type.INT, 10, Range.between(2, 1_000), Importance.MEDIUM,
                "While tasks of a lower priority lane wait, one start in this many goes to the lower lane whose first"
                    + " task has waited longest, the others to the highest lane: higher priorities go first, and no"
                    + " lane starves (a lower lane gets at least 1/N of the starts).")
            .define(CONCURRENCY, Type.INT, 4, Range.between(1, 10_000), Importance.HIGH,
                "Tasks run at once; the agent takes no more than this from Kafka.")
            .define(HEARTBEAT_INTERVAL_MS, Type.LONG, 1000L, Range.between(50, 60_000), Importance.MEDIUM,
                "How often the agent publishes a heartbeat.")
            .define(SHUTDOWN_GRACE_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.MEDIUM,
                "On SIGTERM, how long running tasks may finish before they are released to other agents.")
            .define(CANCEL_GRACE_MS, Type.LONG, 3_000L, Range.atLeast(0), Importance.LOW,
                "After a cancel, how long a handler may take to stop before its outcome is reported anyway.")
            .define(MAX_RESULT_BYTES, Type.INT, 64 * 1024, Range.between(0, 16 * 1024 * 1024), Importance.LOW,
                "Largest result a handler may return; a larger one fails the attempt (not retryable).")
            .define(HANDLERS, Type.LIST, "noop,sleep,shell,http", Importance.HIGH,
                "Handlers on the class path to enable by name (the built-in ones are noop, sleep, shell and http);"
                    + " each serves the task type of its name unless agent.task.type.* maps types otherwise.")
            .define(HANDLER_PATH, Type.LIST, "", Importance.HIGH,
                "Folders of handler plugins; every handler found in them is enabled, in addition to"
                    + " agent.handlers. A jar directly in a folder is one plugin; a subfolder is one plugin made of"
                    + " the jars in it.");
    }

    public SasConfig shared() {
        return config;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public String agentId() {
        return agentId;
    }

    public String hostId() {
        return hostId;
    }

    public long incarnation() {
        return incarnation;
    }

    /** The host process this agent lives and dies with, if it was started by one. */
    public OptionalLong parentPid() {
        long pid = config.getLong(PARENT_PID);
        return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
    }

    public String groupId() {
        return AppIds.agentGroup(config.getString(GROUP_ID), config.topicNames());
    }

    public int lowerLaneEvery() {
        return config.getInt(LOWER_LANE_EVERY);
    }

    public List<String> queues() {
        return config.topicNames().queues();
    }

    public int concurrency() {
        return config.getInt(CONCURRENCY);
    }

    public Duration heartbeatInterval() {
        return Duration.ofMillis(config.getLong(HEARTBEAT_INTERVAL_MS));
    }

    public Duration shutdownGrace() {
        return Duration.ofMillis(config.getLong(SHUTDOWN_GRACE_MS));
    }

    public Duration cancelGrace() {
        return Duration.ofMillis(config.getLong(CANCEL_GRACE_MS));
    }

    public int maxResultBytes() {
        return config.getInt(MAX_RESULT_BYTES);
    }

    public List<String> handlers() {
        return config.getList(HANDLERS);
    }

    public List<Path> handlerPath() {
        return config.getList(HANDLER_PATH).stream().map(Path::of).toList();
    }

    /**
     * {@code handler.<name>.*} settings with the prefix removed. A dash in the name may also be written as a dot, as
     * environment variables must: {@code SAS_HANDLER_WORD_COUNT_MAX_BYTES} sets {@code max.bytes} of
     * {@code word-count}.
     */
    public Map<String, String> handlerSettings(String name) {
        Map<String, String> settings = new TreeMap<>();
        config.originalsWithPrefix(HANDLER_PREFIX + name.replace('-', '.') + ".")
            .forEach((k, v) -> settings.put(k, String.valueOf(v)));
        config.originalsWithPrefix(HANDLER_PREFIX + name + ".").forEach((k, v) -> settings.put(k, String.valueOf(v)));
        return settings;
    }

    /** {@code agent.task.type.<type>=<handler>} entries. */
    public Map<String, String> typeMapping() {
        Map<String, String> mapping = new TreeMap<>();
        config.originalsWithPrefix(TYPE_MAPPING_PREFIX).forEach((k, v) -> mapping.put(k, String.valueOf(v)));
        return mapping;
    }

    public HttpSettings http() {
        return http;
    }

    /** The task consumer's properties: {@code kafka.*}, {@code consumer.*}, then what the agent loop relies on. */
    public Map<String, Object> consumerProperties() {
        Map<String, Object> props = new TreeMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, concurrency());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the consumer protocol (KIP-848): rebalances move only what must move, and the session timeout is the
        // broker's group.consumer.session.timeout.ms (or the group's consumer.session.timeout.ms)
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        // each agent gets partitions of every lane (per topic ranges): the uniform assignor may give one agent all of
        // one lane's partitions and leave the others idle while that lane has work
        props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        props.putAll(config.originalsWithPrefix(CONSUMER_PREFIX));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // task events are written in the scheduler's and supervisor's transactions
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, agentId + "-tasks");
        return props;
    }

    /** The producers' properties: {@code kafka.*}, {@code producer.*}. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> props = new TreeMap<>(config.kafkaProperties());
        props.putAll(config.originalsWithPrefix(PRODUCER_PREFIX));
        return props;
    }
}
