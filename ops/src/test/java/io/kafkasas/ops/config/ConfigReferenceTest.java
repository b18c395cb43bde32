package io.kafkasas.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.agent.AgentConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    @Test
    void docsShouldBeWhatTheTypedSettingsSay() throws IOException {
        Path docs = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(docs, StandardCharsets.UTF_8))
            .as("docs/configuration.md is out of date: run `java -jar ops/target/ops.jar config-reference"
                + " > docs/configuration.md`")
            .isEqualTo(ConfigReference.markdown());
    }

    @Test
    void everySettingShouldHaveItsEnvironmentVariable() {
        String reference = ConfigReference.markdown();
        assertThat(reference).contains("| `supervisor.heartbeat.timeout.ms` | `SAS_SUPERVISOR_HEARTBEAT_TIMEOUT_MS` |");
        for (String key : AgentConfig.DEFINITION.names()) {
            assertThat(reference).contains("| `" + key + "` |");
        }
        assertThat(reference).contains("`" + SupervisorConfig.ADVERTISED_HOST + "`");
    }
}
