package io.kafkasas.supervisor.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.Liveness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The liveness rule alone: silence since the last heartbeat, and never since before the supervisor watched. */
class AgentLivenessTest {

    private static final Instant T = Instant.parse("2026-12-05T12:00:00Z");
    private static final Duration SUSPECT = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static Liveness judge(Instant lastHeartbeat, Instant watchingSince, Instant now) {
        return AgentLiveness.judge(new AgentLiveness.Watch(Liveness.ALIVE, 1, lastHeartbeat), watchingSince, now,
            SUSPECT, TIMEOUT);
    }

    @Test
    void shouldMoveFromAliveToSuspectToDeadBySilence() {
        assertThat(judge(T, T, T.plusMillis(1_999))).isEqualTo(Liveness.ALIVE);
        assertThat(judge(T, T, T.plusSeconds(2))).isEqualTo(Liveness.SUSPECT);
        assertThat(judge(T, T, T.plusMillis(4_999))).isEqualTo(Liveness.SUSPECT);
        assertThat(judge(T, T, T.plusSeconds(5))).isEqualTo(Liveness.DEAD);
    }

    @Test
    void shouldCountSilenceFromTheMomentTheSupervisorBeganToWatchAtTheEarliest() {
        Instant takeover = T.plusSeconds(60); // the store's heartbeat is a minute old after a fail-over
        assertThat(judge(T, takeover, takeover.plusSeconds(4))).isNotEqualTo(Liveness.DEAD);
        assertThat(judge(T, takeover, takeover.plusSeconds(5))).isEqualTo(Liveness.DEAD);
    }
}
