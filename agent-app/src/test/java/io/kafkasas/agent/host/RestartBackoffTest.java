package io.kafkasas.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private final RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofSeconds(60));

    @Test
    void shouldDoubleTheWaitOfACrashLoopUpToTheCap() {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(backoff.afterExit(Duration.ofMillis(300)).toSeconds());
        }
        assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 10L, 10L);
    }

    @Test
    void shouldStartOverAfterAProcessRanForTheStablePeriod() {
        backoff.afterExit(Duration.ZERO);
        backoff.afterExit(Duration.ZERO);
        assertThat(backoff.afterExit(Duration.ofSeconds(59))).hasSeconds(4);
        assertThat(backoff.afterExit(Duration.ofSeconds(60))).as("ran long enough: a fresh failure").hasSeconds(1);
        assertThat(backoff.afterExit(Duration.ZERO)).hasSeconds(2);
    }
}
