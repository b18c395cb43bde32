package io.kafkasas.agent.run;

import java.util.List;

/** Who an agent is: what every status and heartbeat it publishes says about it. */
public record AgentIdentity(String agentId, String hostId, long incarnation, List<String> queues, int capacity) {
}
