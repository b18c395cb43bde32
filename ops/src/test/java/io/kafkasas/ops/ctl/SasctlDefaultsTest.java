package io.kafkasas.ops.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sasctl depends on no app, so this is where its defaults are held to the apps' own. */
class SasctlDefaultsTest {

    @Test
    void withoutSettingsSasctlShouldFindTheAppsOnTheirDefaultPortsOnThisMachine() {
        CtlConfig defaults = CtlConfig.of(Map.of());

        assertThat(defaults.schedulerUrl().getPort()).isEqualTo(SchedulerConfig.DEFAULT_HTTP_PORT);
        assertThat(defaults.supervisorUrl().getPort()).isEqualTo(SupervisorConfig.DEFAULT_HTTP_PORT);
        assertThat(defaults.schedulerUrl().getHost()).isEqualTo(defaults.supervisorUrl().getHost())
            .isEqualTo("127.0.0.1");
    }
}
