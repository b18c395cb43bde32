package io.kafkasas.supervisor.agents;

import java.time.Instant;
import java.util.OptionalLong;

/** When an agent incarnation was last heard from outside the stream thread ({@link RecentHeartbeats}). */
@FunctionalInterface
public interface HeardFrom {

    /** The last time, by the wall clock, or null if that incarnation has not been heard from. */
    Instant lastHeard(String agentId, long incarnation);

    /** The newest incarnation of the agent heard from, if any. */
    default OptionalLong newestIncarnation(String agentId) {
        return OptionalLong.empty();
    }
}
