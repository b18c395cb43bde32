package io.kafkasas.scheduler;

import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.requests.RequestValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scheduler's settings: the shared ones ({@link SasConfig}), its limits on requests, the default retry policy,
 * the HTTP endpoints, and Kafka Streams settings under {@code streams.} (passed through untouched, over
 * {@code kafka.}).
 */
public final class SchedulerConfig {

    public static final String APPLICATION_ID = AppIds.SCHEDULER_APPLICATION_ID;
    public static final String MAX_PAYLOAD_BYTES = "scheduler.max.payload.bytes";
    public static final String DEDUP_WINDOW_MS = "scheduler.dedup.window.ms";
    public static final String DELAY_CHECK_INTERVAL_MS = "scheduler.delay.check.interval.ms";
    public static final String MAX_DELAY_MS = "scheduler.max.delay.ms";
    public static final String DEFAULT_EXECUTION_TIMEOUT_MS = "scheduler.default.execution.timeout.ms";
    public static final String MAX_EXECUTION_TIMEOUT_MS = "scheduler.max.execution.timeout.ms";
    public static final String MAX_ATTEMPTS_LIMIT = "scheduler.max.attempts.limit";
    public static final String TASK_TYPES = "scheduler.task.types";
    public static final String PIPELINES_RETENTION_MS = "scheduler.pipelines.retention.ms";
    public static final String LIMITS_TICK_MS = "scheduler.limits.tick.ms";
    public static final String LIMITS_LOWER_EVERY = "scheduler.limits.lower.every";
    public static final String COMMIT_WHEN_IDLE = "scheduler.commit.when.idle";
    public static final String ADVERTISED_HOST = "scheduler.advertised.host";
    public static final String SCHEDULES_LEAD_MS = "scheduler.schedules.lead.ms";
    public static final String COMMIT_MIN_INTERVAL_MS = "scheduler.commit.min.interval.ms";
    public static final String RETRY_INITIAL_INTERVAL_MS = "retry.initial.interval.ms";
    public static final String RETRY_BACKOFF_COEFFICIENT = "retry.backoff.coefficient";
    public static final String RETRY_MAX_INTERVAL_MS = "retry.max.interval.ms";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final int DEFAULT_HTTP_PORT = 8080;

    public static final ConfigDef DEFINITION = define();

    private final SasConfig config;
    private final HttpSettings http;

    public SchedulerConfig(SasConfig config) {
        this.config = config;
        this.http = HttpSettings.from(config);
    }

    public static SchedulerConfig load(Path file, Map<String, String> env) {
        return new SchedulerConfig(SasConfig.load(DEFINITION, file, env));
    }

    public static SchedulerConfig of(Map<String, String> settings) {
        SasConfig.validate(DEFINITION, settings);
        return new SchedulerConfig(new SasConfig(DEFINITION, settings));
    }

    private static ConfigDef define() {
        ConfigDef def = SasConfig.define(new ConfigDef());
        HttpSettings.define(def, DEFAULT_HTTP_PORT);
        return def
            .define(APPLICATION_ID, Type.STRING, "", Importance.MEDIUM,
                "Kafka Streams application id; empty means <topic.prefix>scheduler.")
            .define(MAX_PAYLOAD_BYTES, Type.INT, 256 * 1024, Range.between(1, 64 * 1024 * 1024), Importance.MEDIUM,
                "Largest task payload accepted, in bytes; the HTTP API answers 413 above it.")
            .define(DEDUP_WINDOW_MS, Type.LONG, Duration.ofHours(24).toMillis(), Range.atLeast(1), Importance.MEDIUM,
                "How long an idempotency key is remembered: a repeat within it yields no new task.")
            .define(DELAY_CHECK_INTERVAL_MS, Type.LONG, 200L, Range.between(10, 60_000), Importance.LOW,
                "How often delayed tasks are checked for being due (wall-clock); bounds how late they start.")
            .define(MAX_DELAY_MS, Type.LONG, Duration.ofDays(366).toMillis(), Range.atLeast(0), Importance.LOW,
                "Longest delay (notBefore minus now) a request may ask for.")
            .define(DEFAULT_EXECUTION_TIMEOUT_MS, Type.LONG, Duration.ofHours(1).toMillis(), Range.atLeast(1),
                Importance.MEDIUM, "Execution timeout of an attempt when the request sets none.")
            .define(MAX_EXECUTION_TIMEOUT_MS, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(1),
                Importance.LOW, "Longest execution timeout a request may ask for.")
            .define(MAX_ATTEMPTS_LIMIT, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
                "Most attempts a request's retry policy may ask for.")
            .define(TASK_TYPES, Type.LIST, "", Importance.MEDIUM,
                "The task types the agents handle (their agent.handlers, plugins included): a task, a schedule's task"
                    + " or a pipeline step of any other type is refused at the door, naming these. Empty accepts any"
                    + " type; a task no agent can run then ends DEAD_LETTERED (agent.no-handler) when it is tried.")
            .define(PIPELINES_RETENTION_MS, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(1000),
                Importance.LOW, "How long an ended pipeline stays in the scheduler's store (GET /pipelines shows it),"
                    + " counted from its end; then it is forgotten and its id may be used again.")
            .define(LIMITS_TICK_MS, Type.LONG, 20L, Range.between(1, 1000), Importance.LOW,
                "How often the scheduler looks whether a rate limit lets more of the tasks it holds start; a"
                    + " limit's tasks are also released as soon as one arrives or one of theirs ends.")
            .define(LIMITS_LOWER_EVERY, Type.INT, 10, Range.between(2, 1000), Importance.LOW,
                "Of the tasks a limit holds, those of higher priority are released first, but one release in this"
                    + " many goes to the lower lane whose task has waited longest, so that none starves.")
            .define(ADVERTISED_HOST, Type.STRING, "", Importance.MEDIUM,
                "The host name other scheduler instances reach this one's HTTP API at, to pass on a request for a"
                    + " schedule this one holds; empty means http.host (the machine's name when that is 0.0.0.0).")
            .define(SCHEDULES_LEAD_MS, Type.LONG, 3000L, Range.between(0, 60_000), Importance.LOW,
                "How long before its slot a schedule's run is handed to the intake, which holds it until the slot as"
                    + " a delayed task: a herd of slots is then ready at its time. Only when nothing still running"
                    + " can change the decision (overlap ALLOW, or no run active); 0 hands every run over at its"
                    + " time.")
            .define(COMMIT_WHEN_IDLE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Commit as soon as a poll's requests are handled (at most every " + COMMIT_MIN_INTERVAL_MS + "), not"
                    + " only every streams.commit.interval.ms (100 ms): a lone task reaches the agents after one"
                    + " transaction instead of half an interval, for more transactions. See docs/benchmarks.md for"
                    + " when it pays.")
            .define(COMMIT_MIN_INTERVAL_MS, Type.LONG, 20L, Range.between(0, 60_000), Importance.LOW,
                "With " + COMMIT_WHEN_IDLE + ": the least time between two commits of a stream thread; what is"
                    + " handled sooner is committed when it has passed. Bounds the transactions per second.")
            .define(RETRY_INITIAL_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.MEDIUM,
                "Default retry policy: delay before the first retry.")
            .define(RETRY_BACKOFF_COEFFICIENT, Type.DOUBLE, 2.0, Range.atLeast(1.0), Importance.MEDIUM,
                "Default retry policy: each delay is the previous one times this.")
            .define(RETRY_MAX_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM,
                "Default retry policy: the longest single delay.")
            .define(RETRY_MAX_ATTEMPTS, Type.INT, 3, Range.between(1, 10_000), Importance.MEDIUM,
                "Default retry policy: attempts in all, the first included.");
    }

    public SasConfig shared() {
        return config;
    }

    public String applicationId() {
        return AppIds.scheduler(config.getString(APPLICATION_ID), config.topicNames());
    }

    public List<String> queues() {
        return config.topicNames().queues();
    }

    /** What a request may ask for here. */
    public RequestValidator.Limits requestLimits() {
        return new RequestValidator.Limits(Set.copyOf(queues()), Set.copyOf(config.getList(TASK_TYPES)),
            maxPayloadBytes(), maxDelay().toMillis(), maxExecutionTimeoutMs(), maxAttemptsLimit());
    }

    public int maxPayloadBytes() {
        return config.getInt(MAX_PAYLOAD_BYTES);
    }

    public Duration dedupWindow() {
        return Duration.ofMillis(config.getLong(DEDUP_WINDOW_MS));
    }

    public Duration pipelinesRetention() {
        return Duration.ofMillis(config.getLong(PIPELINES_RETENTION_MS));
    }

    public Duration limitsTick() {
        return Duration.ofMillis(config.getLong(LIMITS_TICK_MS));
    }

    public int limitsLowerEvery() {
        return config.getInt(LIMITS_LOWER_EVERY);
    }

    public Duration delayCheckInterval() {
        return Duration.ofMillis(config.getLong(DELAY_CHECK_INTERVAL_MS));
    }

    public Duration maxDelay() {
        return Duration.ofMillis(config.getLong(MAX_DELAY_MS));
    }

    public long defaultExecutionTimeoutMs() {
        return config.getLong(DEFAULT_EXECUTION_TIMEOUT_MS);
    }

    public long maxExecutionTimeoutMs() {
        return config.getLong(MAX_EXECUTION_TIMEOUT_MS);
    }

    public int maxAttemptsLimit() {
        return config.getInt(MAX_ATTEMPTS_LIMIT);
    }

    public Duration scheduleLead() {
        return Duration.ofMillis(config.getLong(SCHEDULES_LEAD_MS));
    }

    public String advertisedHost() {
        return config.getString(ADVERTISED_HOST);
    }

    public boolean commitWhenIdle() {
        return config.getBoolean(COMMIT_WHEN_IDLE);
    }

    public Duration commitMinInterval() {
        return Duration.ofMillis(config.getLong(COMMIT_MIN_INTERVAL_MS));
    }

    public RetryPolicy defaultRetryPolicy() {
        Contracts.trust();
        return RetryPolicy.newBuilder().setInitialIntervalMs(config.getLong(RETRY_INITIAL_INTERVAL_MS))
            .setBackoffCoefficient(config.getDouble(RETRY_BACKOFF_COEFFICIENT))
            .setMaxIntervalMs(config.getLong(RETRY_MAX_INTERVAL_MS))
            .setMaxAttempts(config.getInt(RETRY_MAX_ATTEMPTS)).build();
    }

    public HttpSettings http() {
        return http;
    }

    /**
     * Kafka Streams properties: {@code kafka.*}, then {@code streams.*}, then what exactly-once intake needs (and,
     * when committing when idle, a poll that blocks no longer than the commits' spacing).
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = StreamsApps.properties(config, applicationId(), http());
        props.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        if (commitWhenIdle()) { // the thread must come round to commit what waited for the spacing
            props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, Math.max(1, commitMinInterval().toMillis()));
        }
        return props;
    }
}
