package io.kafkasas.schemas.acls;

import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the Kafka cluster, written once: one principal per app, each allowed only what the app does.
 * <ul>
 *   <li>scheduler: reads requests, schedules, pipelines, limits, limited tasks and statuses (its schedules' runs,
 *   its pipelines' steps, the ends of limited tasks); writes task events, statuses (refusals, cancels), requests
 *   (its HTTP intake, schedule runs, pipeline steps), schedules, pipelines and limits (its HTTP API), limited tasks
 *   and dead letters; owns the topics, group and transactional ids under its application id;</li>
 *   <li>supervisor: reads statuses, task events, heartbeats, host heartbeats and its verdicts; writes task events
 *   (limited ones to the limited tasks), statuses, agent commands, verdicts and dead letters; owns what is under
 *   its application id;</li>
 *   <li>agent (and agent host): reads task events in the agents' group and agent commands; writes statuses,
 *   heartbeats, host heartbeats and dead letters, in transactions under {@code <prefix>agent.};</li>
 *   <li>submitter (a service with the Java client): writes requests, cancels, schedules and pipelines, reads
 *   statuses;</li>
 *   <li>reader (a read-only sasctl): reads and describes every kafka-sas topic, writes nothing.</li>
 * </ul>
 * An agent cannot write task events nor read requests; nothing but the supervisor may write verdicts on agents.
 * {@code sasctl acls apply} creates the bindings, {@code sasctl acls print} shows them as {@code kafka-acls.sh}
 * commands.
 */
public final class AccessPlan extends SasConfig {

    public static final String SCHEDULER = "acls.principal.scheduler";
    public static final String SUPERVISOR = "acls.principal.supervisor";
    public static final String AGENT = "acls.principal.agent";
    public static final String SUBMITTER = "acls.principal.submitter";
    public static final String READER = "acls.principal.reader";

    /** One app's binding. */
    public record Grant(String app, AclBinding binding) {
    }

    public static final ConfigDef DEFINITION = define(SasConfig.define(new ConfigDef()));

    public AccessPlan(Map<String, String> originals) {
        super(DEFINITION, validated(originals));
    }

    private static Map<String, String> validated(Map<String, String> originals) {
        validate(DEFINITION, originals);
        return originals;
    }

    /** The principal keys, added to {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(SCHEDULER, Type.STRING, "User:kafka-sas-scheduler", Importance.MEDIUM,
                "Kafka principal of the scheduler, for 'sasctl acls'.")
            .define(SUPERVISOR, Type.STRING, "User:kafka-sas-supervisor", Importance.MEDIUM,
                "Kafka principal of the supervisor.")
            .define(AGENT, Type.STRING, "User:kafka-sas-agent", Importance.MEDIUM,
                "Kafka principal of the agents and their hosts (a host passes its credentials to its agents).")
            .define(SUBMITTER, Type.STRING, "User:kafka-sas-submitter", Importance.MEDIUM,
                "Kafka principal of services that submit with the Java client: requests, cancels, outcomes.")
            .define(READER, Type.STRING, "User:kafka-sas-reader", Importance.MEDIUM,
                "Kafka principal of a read-only sasctl: reads every kafka-sas topic, writes none.");
    }

    /** Every binding of the plan, by app. */
    public List<Grant> grants() {
        TopicNames names = topicNames();
        List<String> taskTopics = names.taskTopics();
        List<Grant> grants = new ArrayList<>();
        Granter scheduler = new Granter("scheduler", getString(SCHEDULER), grants);
        scheduler.topics(AclOperation.READ, List.of(names.taskRequests(), names.schedules(), names.pipelines(),
            names.taskStatus(), names.limits(), names.limitedTasks()));
        scheduler.topics(AclOperation.WRITE, taskTopics);
        scheduler.topics(AclOperation.WRITE, List.of(names.taskRequests(), names.taskStatus(), names.schedules(),
            names.pipelines(), names.deadLetters(), names.limits(), names.limitedTasks()));
        scheduler.streamsApp(AppIds.scheduler(configured(AppIds.SCHEDULER_APPLICATION_ID), names));

        Granter supervisor = new Granter("supervisor", getString(SUPERVISOR), grants);
        supervisor.topics(AclOperation.READ, taskTopics);
        supervisor.topics(AclOperation.READ, List.of(names.taskStatus(), names.agentDeaths(), names.heartbeats(),
            names.hostHeartbeats()));
        supervisor.topics(AclOperation.WRITE, taskTopics);
        supervisor.topics(AclOperation.WRITE, List.of(names.taskStatus(), names.agentCommands(), names.agentDeaths(),
            names.deadLetters(), names.limitedTasks()));
        // its liveness application's id extends it: one prefix covers both
        supervisor.streamsApp(AppIds.supervisor(configured(AppIds.SUPERVISOR_APPLICATION_ID), names));

        Granter agent = new Granter("agent", getString(AGENT), grants);
        agent.topics(AclOperation.READ, taskTopics);
        agent.topics(AclOperation.READ, List.of(names.agentCommands()));
        agent.topics(AclOperation.WRITE, List.of(names.taskStatus(), names.heartbeats(), names.hostHeartbeats(),
            names.deadLetters()));
        agent.allow(ResourceType.GROUP, AppIds.agentGroup(configured(AppIds.AGENT_GROUP_ID), names),
            PatternType.LITERAL, AclOperation.READ);
        agent.allow(ResourceType.TRANSACTIONAL_ID, AppIds.agentTransactionalIdPrefix(names), PatternType.PREFIXED,
            AclOperation.WRITE);

        Granter submitter = new Granter("submitter", getString(SUBMITTER), grants);
        submitter.topics(AclOperation.WRITE, List.of(names.taskRequests(), names.taskStatus(), names.schedules(),
            names.pipelines()));
        submitter.topics(AclOperation.READ, List.of(names.taskStatus()));

        Granter reader = new Granter("reader", getString(READER), grants);
        reader.topics(AclOperation.READ, names.all());
        reader.topics(AclOperation.DESCRIBE_CONFIGS, names.all());
        return grants;
    }

    private String configured(String key) {
        Object value = originals().get(key);
        return value == null ? "" : value.toString();
    }

    /** Adds one principal's bindings. */
    private record Granter(String app, String principal, List<Grant> grants) {

        void topics(AclOperation operation, List<String> topics) {
            topics.forEach(t -> allow(ResourceType.TOPIC, t, PatternType.LITERAL, operation));
        }

        /**
         * What a Kafka Streams application needs under its id: its internal topics (changelogs, repartitions), its
         * consumer group and the transactional ids of exactly-once.
         */
        void streamsApp(String applicationId) {
            allow(ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL);
            allow(ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.READ);
            allow(ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE);
        }

        void allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
            grants.add(new Grant(app, new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW))));
        }
    }
}
