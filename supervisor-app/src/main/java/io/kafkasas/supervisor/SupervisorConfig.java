package io.kafkasas.supervisor;

import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/** The supervisor's settings: liveness timings, deadlines, retry jitter, HTTP, and {@code streams.*}. */
public final class SupervisorConfig {

    public static final String APPLICATION_ID = AppIds.SUPERVISOR_APPLICATION_ID;
    public static final String HEARTBEAT_TIMEOUT_MS = "supervisor.heartbeat.timeout.ms";
    public static final String SUSPECT_AFTER_MS = "supervisor.suspect.after.ms";
    public static final String CHECK_INTERVAL_MS = "supervisor.check.interval.ms";
    public static final String DEADLINE_GRACE_MS = "supervisor.deadline.grace.ms";
    public static final String RETRY_JITTER = "supervisor.retry.jitter";
    public static final String ADVERTISED_HOST = "supervisor.advertised.host";
    public static final int DEFAULT_HTTP_PORT = 8082;

    public static final ConfigDef DEFINITION = define();

    private final SasConfig config;
    private final HttpSettings http;

    public SupervisorConfig(SasConfig config) {
        this.config = config;
        this.http = HttpSettings.from(config);
    }

    public static SupervisorConfig load(Path file, Map<String, String> env) {
        return new SupervisorConfig(SasConfig.load(DEFINITION, file, env));
    }

    public static SupervisorConfig of(Map<String, String> settings) {
        SasConfig.validate(DEFINITION, settings);
        return new SupervisorConfig(new SasConfig(DEFINITION, settings));
    }

    private static ConfigDef define() {
        ConfigDef def = SasConfig.define(new ConfigDef());
        HttpSettings.define(def, DEFAULT_HTTP_PORT);
        return def
            .define(APPLICATION_ID, Type.STRING, "", Importance.MEDIUM,
                "Kafka Streams application id of the task state machine; empty means <topic.prefix>supervisor. Agent"
                    + " liveness runs as a second application, <this id>-liveness.")
            .define(HEARTBEAT_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.HIGH,
                "An agent silent this long is declared dead: its running tasks are re-emitted and it is told to"
                    + " restart. Longer than the agents' heartbeat interval plus their longest GC pause.")
            .define(SUSPECT_AFTER_MS, Type.LONG, 2_000L, Range.atLeast(0), Importance.LOW,
                "An agent silent this long is shown as SUSPECT (nothing else happens).")
            .define(CHECK_INTERVAL_MS, Type.LONG, 250L, Range.between(10, 10_000), Importance.MEDIUM,
                "How often timers (liveness, deadlines, retries) are checked on the wall clock.")
            .define(DEADLINE_GRACE_MS, Type.LONG, 2_000L, Range.atLeast(0), Importance.LOW,
                "How long after a running attempt's deadline the supervisor waits for the agent's own TIMED_OUT"
                    + " before it cancels the attempt itself.")
            .define(RETRY_JITTER, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.LOW,
                "Retry delays vary by up to this fraction either way, so failed tasks do not retry in lockstep.")
            .define(ADVERTISED_HOST, Type.STRING, "", Importance.MEDIUM,
                "Host name or IP at which the other supervisor instances reach this one's HTTP API (queries for"
                    + " tasks it holds are forwarded there); empty means http.host, or the machine's host name when"
                    + " that is 0.0.0.0. In Kubernetes, the pod IP.");
    }

    public String advertisedHost() {
        return config.getString(ADVERTISED_HOST);
    }

    public SasConfig shared() {
        return config;
    }

    public String applicationId() {
        return AppIds.supervisor(config.getString(APPLICATION_ID), config.topicNames());
    }

    public Duration heartbeatTimeout() {
        return Duration.ofMillis(config.getLong(HEARTBEAT_TIMEOUT_MS));
    }

    public Duration suspectAfter() {
        return Duration.ofMillis(config.getLong(SUSPECT_AFTER_MS));
    }

    public Duration checkInterval() {
        return Duration.ofMillis(config.getLong(CHECK_INTERVAL_MS));
    }

    public Duration deadlineGrace() {
        return Duration.ofMillis(config.getLong(DEADLINE_GRACE_MS));
    }

    public double retryJitter() {
        return config.getDouble(RETRY_JITTER);
    }

    public HttpSettings http() {
        return http;
    }

    /** The application id of agent liveness, which runs beside the task state machine. */
    public String livenessApplicationId() {
        return AppIds.supervisorLiveness(applicationId());
    }

    /**
     * The task state machine's Kafka Streams properties. Its defaults (each one a {@code streams.*} setting overrides)
     * were measured with {@code ops bench} (docs/decisions.md): three stream threads, because a thread spends most
     * of its time waiting on the broker (fetches and exactly-once commits) and more threads overlap those waits; no
     * idling for timestamp order across a task's inputs, which the state machine does not need (a STARTED read
     * before its event is handled); a commit every 200 ms, which lets a short task's event and outcome share
     * one changelog write more often, and adds at most 200 ms to a re-emission.
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = streamsProperties(applicationId());
        props.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3);
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        return props;
    }

    /** Agent liveness's Kafka Streams properties: as the task state machine's, with one stream thread. */
    public Map<String, Object> livenessProperties() {
        Map<String, Object> props = streamsProperties(livenessApplicationId());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1); // a few hundred bytes per agent per second
        return props;
    }

    private Map<String, Object> streamsProperties(String applicationId) {
        return StreamsApps.properties(config, applicationId, http());
    }
}
