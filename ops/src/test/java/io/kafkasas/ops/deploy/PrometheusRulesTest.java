package io.kafkasas.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus reads them, where its promtool is installed (.ci/run installs Debian's): valid, and
 * firing as ops/monitoring/prometheus-alerts.test.yml expects on made-up series (a dead letter from one app while
 * the other app's counter was never reported, no agent alive, a supervisor stuck rebalancing).
 */
class PrometheusRulesTest {

    @Test
    void promtoolShouldAcceptTheRules() throws Exception {
        Optional<Map.Entry<Integer, String>> result = DeploymentFiles.runIfInstalled("promtool", "check", "rules",
            "ops/monitoring/prometheus-alerts.yml");
        assumeTrue(result.isPresent(), "promtool is not installed here");
        assertThat(result.get().getKey()).as(result.get().getValue()).isZero();
    }

    @Test
    void theAlertsShouldFireAsTheirTestsExpect() throws Exception {
        Optional<Map.Entry<Integer, String>> result = DeploymentFiles.runIfInstalled("promtool", "test", "rules",
            "ops/monitoring/prometheus-alerts.test.yml");
        assumeTrue(result.isPresent(), "promtool is not installed here");
        assertThat(result.get().getKey()).as(result.get().getValue()).isZero();
        assertThat(result.get().getValue()).contains("SUCCESS");
    }
}
