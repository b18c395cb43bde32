package io.kafkasas.agent.host;

import io.kafkasas.agent.AgentConfig;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * An agent host's settings: every agent setting (its agents get the same file and environment) plus the
 * {@code host.*} keys for slots, restarts, heartbeats and the host's own HTTP port. {@link #configFile} and
 * {@link #environment} are what the agents are started with.
 */
public final class HostConfig {

    public static final String SLOTS = "host.agents";
    public static final String BACKOFF_INITIAL_MS = "host.restart.backoff.initial.ms";
    public static final String BACKOFF_MAX_MS = "host.restart.backoff.max.ms";
    public static final String STABLE_MS = "host.restart.stable.ms";
    public static final String RESTART_GRACE_MS = "host.restart.grace.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "host.heartbeat.interval.ms";
    public static final String AGENT_JVM_OPTIONS = "host.agent.jvm.options";
    public static final String AGENT_HTTP_PORT_BASE = "host.agent.http.port.base";
    public static final String AGENT_LOG_DIR = "host.agent.log.dir";
    public static final String HTTP_PORT = "host.http.port";
    public static final int DEFAULT_HTTP_PORT = 8091;

    public static final ConfigDef DEFINITION = define();

    private final AgentConfig agent;
    private final Path configFile;
    private final Map<String, String> environment;

    private HostConfig(AgentConfig agent, Path configFile, Map<String, String> environment) {
        this.agent = agent;
        this.configFile = configFile;
        this.environment = Map.copyOf(environment);
    }

    /** {@code file} (may be null) with the {@code SAS_*} variables of {@code env} over it, as the agents read it. */
    public static HostConfig load(Path file, Map<String, String> env) {
        return new HostConfig(new AgentConfig(SasConfig.load(DEFINITION, file, env)), file, env);
    }

    private static ConfigDef define() {
        return new ConfigDef(AgentConfig.DEFINITION)
            .define(SLOTS, Type.INT, 2, Range.between(1, 256), Importance.HIGH,
                "Agent processes the host runs; agent i has the id <agent.host.id>-<i>.")
            .define(BACKOFF_INITIAL_MS, Type.LONG, 1000L, Range.atLeast(0), Importance.MEDIUM,
                "Wait before the first restart of an agent that ended; each further restart waits twice as long.")
            .define(BACKOFF_MAX_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.MEDIUM,
                "Longest wait between restarts of an agent that keeps ending (Kubernetes waits up to 5 minutes).")
            .define(STABLE_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                "An agent that ran this long before it ended is restarted after the initial wait again.")
            .define(RESTART_GRACE_MS, Type.LONG, 3000L, Range.atLeast(0), Importance.MEDIUM,
                "On a RESTART command: time between SIGTERM and SIGKILL (a stopped process is killed at once).")
            .define(HEARTBEAT_INTERVAL_MS, Type.LONG, 1000L, Range.between(50, 60_000), Importance.MEDIUM,
                "How often the host publishes its heartbeat (host-heartbeats topic).")
            .define(AGENT_JVM_OPTIONS, Type.LIST, "", Importance.MEDIUM,
                "JVM options of the agent processes, comma-separated (for example -Xmx512m).")
            .define(AGENT_HTTP_PORT_BASE, Type.INT, 0, Range.between(0, 65_000), Importance.LOW,
                "Agent i serves HTTP on base + i; 0 gives each agent any free port.")
            .define(AGENT_LOG_DIR, Type.STRING, "", Importance.LOW,
                "Directory for agent-<i>.log files; empty means the agents write to the host's output.")
            .define(HTTP_PORT, Type.INT, DEFAULT_HTTP_PORT, Range.between(0, 65535), Importance.MEDIUM,
                "Port of the host's HTTP endpoints (health, metrics, /slots); 0 takes any free port.");
    }

    public SasConfig shared() {
        return agent.shared();
    }

    public AgentConfig agent() {
        return agent;
    }

    public String hostId() {
        return agent.hostId();
    }

    public int slots() {
        return shared().getInt(SLOTS);
    }

    /** The agent id of slot {@code slot}. */
    public String agentId(int slot) {
        return hostId() + "-" + slot;
    }

    public RestartBackoff backoff() {
        return new RestartBackoff(millis(BACKOFF_INITIAL_MS), millis(BACKOFF_MAX_MS), millis(STABLE_MS));
    }

    public Duration restartGrace() {
        return millis(RESTART_GRACE_MS);
    }

    /** How long a stopping agent may take: its own shutdown grace, then time to release and leave the group. */
    public Duration stopTimeout() {
        return agent.shutdownGrace().plusSeconds(15);
    }

    public Duration heartbeatInterval() {
        return millis(HEARTBEAT_INTERVAL_MS);
    }

    public List<String> agentJvmOptions() {
        return shared().getList(AGENT_JVM_OPTIONS);
    }

    /** The HTTP port of slot {@code slot}'s agent; 0 means any free one. */
    public int agentHttpPort(int slot) {
        int base = shared().getInt(AGENT_HTTP_PORT_BASE);
        return base == 0 ? 0 : base + slot;
    }

    public Path agentLogDir() {
        String dir = shared().getString(AGENT_LOG_DIR);
        return dir.isEmpty() ? null : Path.of(dir);
    }

    public HttpSettings http() {
        return agent.http().onPort(shared().getInt(HTTP_PORT));
    }

    public Path configFile() {
        return configFile;
    }

    public Map<String, String> environment() {
        return environment;
    }

    private Duration millis(String key) {
        return Duration.ofMillis(shared().getLong(key));
    }
}
