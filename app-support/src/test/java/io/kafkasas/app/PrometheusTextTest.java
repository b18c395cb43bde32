package io.kafkasas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String HOST = """
        # HELP jvm_threads_live_threads The current number of live threads
        # TYPE jvm_threads_live_threads gauge
        jvm_threads_live_threads{app="agent-host"} 21.0
        """;
    private static final String AGENT = """
        # HELP jvm_threads_live_threads The current number of live threads
        # TYPE jvm_threads_live_threads gauge
        jvm_threads_live_threads{app="agent"} 40.0
        # HELP sas_agent_task_seconds Task run time
        # TYPE sas_agent_task_seconds histogram
        sas_agent_task_seconds_bucket{app="agent",le="0.1"} 3
        sas_agent_task_seconds_count{app="agent"} 3
        sas_agent_task_seconds_sum{app="agent"} 0.12
        # HELP up_total No labels at all
        # TYPE up_total counter
        up_total 1.0
        """;

    @Test
    void shouldDeclareEachFamilyOnceWithEverySourcesSamplesLabelled() {
        String merged = PrometheusText.merge(HOST, List.of(new PrometheusText.Source("agent", "h-1", AGENT),
            new PrometheusText.Source("agent", "h-2", AGENT)));

        assertThat(merged.lines().filter(l -> l.equals("# TYPE jvm_threads_live_threads gauge"))).hasSize(1);
        assertThat(merged.lines().filter(l -> l.startsWith("# TYPE sas_agent_task_seconds "))).hasSize(1);
        assertThat(merged).contains("jvm_threads_live_threads{app=\"agent-host\"} 21.0\n"
            + "jvm_threads_live_threads{agent=\"h-1\",app=\"agent\"} 40.0\n"
            + "jvm_threads_live_threads{agent=\"h-2\",app=\"agent\"} 40.0\n");
        assertThat(merged).contains("# TYPE sas_agent_task_seconds histogram\n"
            + "sas_agent_task_seconds_bucket{agent=\"h-1\",app=\"agent\",le=\"0.1\"} 3\n"
            + "sas_agent_task_seconds_count{agent=\"h-1\",app=\"agent\"} 3\n"
            + "sas_agent_task_seconds_sum{agent=\"h-1\",app=\"agent\"} 0.12\n"
            + "sas_agent_task_seconds_bucket{agent=\"h-2\",app=\"agent\",le=\"0.1\"} 3\n");
        assertThat(merged).contains("up_total{agent=\"h-2\"} 1.0");
    }

    @Test
    void shouldEscapeTheLabelValue() {
        assertThat(PrometheusText.merge("", List.of(new PrometheusText.Source("agent", "a\"b", "x 1"))))
            .isEqualTo("x{agent=\"a\\\"b\"} 1\n");
    }
}
