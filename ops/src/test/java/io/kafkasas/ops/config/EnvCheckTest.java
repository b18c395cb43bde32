package io.kafkasas.ops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvCheckTest {

    @Test
    void shouldAcceptTheAppsOwnSettingsAndKafkaClientSettings() {
        assertThat(EnvCheck.problems(AppSettings.SUPERVISOR, Map.of(
            "SAS_SUPERVISOR_HEARTBEAT_TIMEOUT_MS", "5000",
            "SAS_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
            "SAS_KAFKA_SASL_JAAS_CONFIG", "x",
            "SAS_STREAMS_NUM_STANDBY_REPLICAS", "1",
            "SAS_STREAMS_MAIN_CONSUMER_MAX_POLL_RECORDS", "100",
            "SAS_STREAMS_TOPIC_MIN_INSYNC_REPLICAS", "2",
            "JAVA_TOOL_OPTIONS", "-Xss1m"))).isEmpty();
    }

    @Test
    void shouldNameAMisspeltVariable() {
        assertThat(EnvCheck.problems(AppSettings.SUPERVISOR, Map.of("SAS_SUPERVISOR_HEARTBEAT_TIMOUT_MS", "5000")))
            .containsExactly("SAS_SUPERVISOR_HEARTBEAT_TIMOUT_MS sets supervisor.heartbeat.timout.ms, which the"
                + " supervisor does not read");
        assertThat(EnvCheck.problems(AppSettings.SCHEDULER, Map.of("SAS_KAFKA_BOOTSTRAP_SERVER", "kafka:9092")))
            .hasSize(1);
    }

    @Test
    void shouldRejectStreamsSettingsWhereNoStreamsRun() {
        assertThat(EnvCheck.problems(AppSettings.AGENT_HOST, Map.of("SAS_STREAMS_NUM_STANDBY_REPLICAS", "1")))
            .hasSize(1);
        assertThat(EnvCheck.problems(AppSettings.AGENT_HOST, Map.of("SAS_AGENT_CONCURRENCY", "8"))).isEmpty();
        assertThat(EnvCheck.problems(AppSettings.AGENT_HOST, Map.of("SAS_CONCURRENCY", "8"))).hasSize(1);
    }

    @Test
    void shouldRejectAnInvalidValueAndCheckOnlyTheNameOfOneSetAtRunTime() {
        assertThat(EnvCheck.problems(AppSettings.SCHEDULER, Map.of("SAS_HTTP_PORT", "eighty")))
            .singleElement().asString().contains("http.port (SAS_HTTP_PORT)");
        Map<String, String> fromThePod = new java.util.HashMap<>();
        fromThePod.put("SAS_SUPERVISOR_ADVERTISED_HOST", null);
        assertThat(EnvCheck.problems(AppSettings.SUPERVISOR, fromThePod)).isEmpty();
    }
}
