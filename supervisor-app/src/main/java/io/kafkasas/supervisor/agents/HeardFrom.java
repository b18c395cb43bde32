package io.kafkasas.supervisor.agents;

import java.time.Instant;

/** What the heartbeat reader beside the stream thread ({@link RecentHeartbeats}) has heard, by the wall clock. */
public interface HeardFrom {

    /** Nobody listens beside the stream thread: liveness judges by its store alone. */
    HeardFrom NOBODY = new HeardFrom() {
        @Override
        public Instant lastHeard(String agentId, long incarnation) {
            return null;
        }

        @Override
        public Instant caughtUpAt() {
            return null;
        }

        @Override
        public Instant listeningSince() {
            return Instant.MAX;
        }
    };

    /** The last heartbeat of that incarnation, or null if the reader has not heard it. */
    Instant lastHeard(String agentId, long incarnation);

    /** When the reader last had every heartbeat written before then; null if never. */
    Instant caughtUpAt();

    /** When the reader began to listen (from the end of the topic). */
    Instant listeningSince();
}
