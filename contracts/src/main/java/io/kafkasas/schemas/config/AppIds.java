package io.kafkasas.schemas.config;

import io.kafkasas.schemas.topics.TopicNames;

/**
 * The names the apps take on Kafka besides topics, defined once: the Kafka Streams application ids (which prefix
 * their consumer group, internal topics and transactional ids), the agents' consumer group and their
 * transactional ids. The ACLs ({@code AccessPlan}) grant exactly these.
 */
public final class AppIds {

    public static final String SCHEDULER_APPLICATION_ID = "scheduler.application.id";
    public static final String SUPERVISOR_APPLICATION_ID = "supervisor.application.id";
    public static final String AGENT_GROUP_ID = "agent.group.id";

    private AppIds() {
    }

    /** The scheduler's application id: {@code configured}, or {@code <topic prefix>scheduler} when empty. */
    public static String scheduler(String configured, TopicNames names) {
        return configured.isEmpty() ? names.prefix() + "scheduler" : configured;
    }

    /** The supervisor's: {@code <topic prefix>supervisor}; its agent-liveness application adds {@code -liveness}. */
    public static String supervisor(String configured, TopicNames names) {
        return configured.isEmpty() ? names.prefix() + "supervisor" : configured;
    }

    public static String supervisorLiveness(String supervisorApplicationId) {
        return supervisorApplicationId + "-liveness";
    }

    /** The agents' consumer group: {@code <topic prefix>agents}. */
    public static String agentGroup(String configured, TopicNames names) {
        return configured.isEmpty() ? names.prefix() + "agents" : configured;
    }

    /** Every agent's transactional id starts so: {@code <topic prefix>agent.}. */
    public static String agentTransactionalIdPrefix(TopicNames names) {
        return names.prefix() + "agent.";
    }

    /** Agent {@code agentId}'s transactional id: a restarted agent fences its former self. */
    public static String agentTransactionalId(TopicNames names, String agentId) {
        return agentTransactionalIdPrefix(names) + agentId;
    }
}
