package io.kafkasas.schemas.topics;

import io.kafkasas.schemas.config.SasConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the kafka-sas topics are laid out, and the plan that follows: task, status and request topics carry the
 * load and get the most partitions; heartbeats are worthless after minutes and are kept briefly; schedules are
 * a table (compacted); dead letters wait for a person and are kept long.
 */
public final class ProvisioningConfig extends SasConfig {

    public static final String REPLICATION_FACTOR = "topics.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "topics.min.insync.replicas";
    public static final String PARTITIONS = "topics.partitions";
    public static final String CONTROL_PARTITIONS = "topics.control.partitions";
    public static final String HEARTBEAT_RETENTION_MS = "topics.heartbeats.retention.ms";
    public static final String COMMAND_RETENTION_MS = "topics.commands.retention.ms";
    public static final String DEAD_LETTER_RETENTION_MS = "topics.dead.letters.retention.ms";

    public static final ConfigDef DEFINITION = SasConfig.define(new ConfigDef())
        .define(REPLICATION_FACTOR, Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
            "Replication factor of every kafka-sas topic (1 for a one-broker local stack).")
        .define(MIN_INSYNC_REPLICAS, Type.INT, 2, Range.atLeast(1), Importance.HIGH,
            "min.insync.replicas of every topic, capped at the replication factor; with acks=all a write survives"
                + " the loss of (replication factor - this) brokers.")
        .define(PARTITIONS, Type.INT, 12, Range.atLeast(1), Importance.HIGH,
            "Partitions of the task, task-status, task-requests and agent-deaths topics: the most consumers that can"
                + " share them.")
        .define(CONTROL_PARTITIONS, Type.INT, 3, Range.atLeast(1), Importance.MEDIUM,
            "Partitions of the heartbeats, agent-commands, schedules, pipelines and dead-letters topics.")
        .define(HEARTBEAT_RETENTION_MS, Type.LONG, 3_600_000L, Range.atLeast(60_000), Importance.LOW,
            "How long heartbeats are kept (default 1 hour).")
        .define(COMMAND_RETENTION_MS, Type.LONG, 86_400_000L, Range.atLeast(60_000), Importance.LOW,
            "How long agent commands and verdicts on agents (agent-deaths) are kept (default 1 day).")
        .define(DEAD_LETTER_RETENTION_MS, Type.LONG, 30L * 86_400_000L, Range.atLeast(-1), Importance.MEDIUM,
            "How long dead letters are kept (default 30 days; -1 forever).");

    public ProvisioningConfig(Map<String, String> originals) {
        super(DEFINITION, validated(originals));
    }

    private static Map<String, String> validated(Map<String, String> originals) {
        validate(DEFINITION, originals);
        return originals;
    }

    /** Every topic as it should be. */
    public List<TopicSpec> plan() {
        TopicNames names = topicNames();
        short rf = getShort(REPLICATION_FACTOR);
        String minIsr = Integer.toString(Math.min(getInt(MIN_INSYNC_REPLICAS), rf));
        int partitions = getInt(PARTITIONS);
        int control = getInt(CONTROL_PARTITIONS);
        Map<String, String> durable = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr);
        List<TopicSpec> plan = new ArrayList<>();
        plan.add(new TopicSpec(names.taskRequests(), partitions, rf, durable));
        names.taskTopics().forEach(topic -> plan.add(new TopicSpec(topic, partitions, rf, durable)));
        plan.add(new TopicSpec(names.taskStatus(), partitions, rf, durable));
        plan.add(new TopicSpec(names.heartbeats(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(getLong(HEARTBEAT_RETENTION_MS)))));
        // the latest word of every host: a host that went silent stays known as gone (forgotten after 7 days)
        plan.add(new TopicSpec(names.hostHeartbeats(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()))));
        plan.add(new TopicSpec(names.agentCommands(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(getLong(COMMAND_RETENTION_MS)))));
        // broadcast to every partition of the task state machine, so partitioned as the status topic
        plan.add(new TopicSpec(names.agentDeaths(), partitions, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(getLong(COMMAND_RETENTION_MS)))));
        plan.add(new TopicSpec(names.schedules(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        // submissions (and cancels) of pipelines; the scheduler's store holds their progress
        plan.add(new TopicSpec(names.pipelines(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()))));
        // the limits in force, a table like the schedules; the tasks they hold wait in the scheduler's store
        plan.add(new TopicSpec(names.limits(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        plan.add(new TopicSpec(names.limitedTasks(), partitions, rf, durable));
        plan.add(new TopicSpec(names.deadLetters(), control, rf, Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minIsr,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(getLong(DEAD_LETTER_RETENTION_MS)))));
        return List.copyOf(plan);
    }
}
