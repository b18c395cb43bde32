package io.kafkasas.ops.flow;

import io.kafkasas.agent.AgentMain;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.UniqueNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings an end-to-end test starts from: topics of its own on the test broker, a registry, any free port, and
 * the test's HTTP token.
 */
final class TestSettings {

    private TestSettings() {
    }

    /** A mutable map: the test adds what it needs. */
    static Map<String, String> of(TestKafka kafka, String registryUrl) {
        Map<String, String> settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
            SchemaRegistryConfig.URL, registryUrl, "http.port", "0"));
        settings.putAll(TestAuth.settings());
        return settings;
    }

    /** A copy of {@code settings} with a Kafka Streams app's state in {@code stateDir}. */
    static Map<String, String> withStateDir(Map<String, String> settings, Path stateDir) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(StreamsApps.STREAMS_PREFIX + "state.dir", stateDir.toString());
        return copy;
    }

    /**
     * An instance of a Kafka Streams app ({@code main}) as a process of its own on {@code settings}' broker, registry
     * and topics: HTTP on {@code port}, state in {@code stateDir}, a standby replica, and a 6 s session time-out so
     * that the other instances take over soon after it is killed; logging to {@code target/<log>.log}.
     */
    static ChildJvm streamsInstance(Map<String, String> settings, Class<?> main, int port, Path stateDir, String log)
        throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("SAS_KAFKA_BOOTSTRAP_SERVERS",
            settings.get(SasConfig.KAFKA_PREFIX + "bootstrap.servers"),
            "SAS_SCHEMA_REGISTRY_URL", settings.get(SchemaRegistryConfig.URL),
            "SAS_TOPIC_PREFIX", settings.get(SasConfig.TOPIC_PREFIX), "SAS_HTTP_PORT", Integer.toString(port),
            "SAS_STREAMS_STATE_DIR", stateDir.toString(),
            "SAS_STREAMS_NUM_STANDBY_REPLICAS", "1", "SAS_STREAMS_SESSION_TIMEOUT_MS", "6000",
            "SAS_STREAMS_HEARTBEAT_INTERVAL_MS", "1000"));
        env.putAll(TestAuth.environment()); // the instances forward queries to each other with it
        return ChildJvm.start(main.getName(), List.of("-Xmx256m"), List.of(), env, Path.of("target", log + ".log"));
    }

    /**
     * An agent as a process of its own on {@code settings}' broker, registry and topics, logging to
     * {@code target/<log>.log} (kept: what the agent did, if the test fails).
     */
    static ChildJvm agentProcess(Map<String, String> settings, String agentId, int concurrency, String log)
        throws IOException {
        return ChildJvm.start(AgentMain.class.getName(), List.of("-Xmx256m"), List.of(),
            Map.of("SAS_KAFKA_BOOTSTRAP_SERVERS", settings.get(SasConfig.KAFKA_PREFIX + "bootstrap.servers"),
                "SAS_SCHEMA_REGISTRY_URL", settings.get(SchemaRegistryConfig.URL),
                "SAS_TOPIC_PREFIX", settings.get(SasConfig.TOPIC_PREFIX), "SAS_AGENT_ID", agentId,
                "SAS_AGENT_CONCURRENCY", Integer.toString(concurrency), "SAS_HTTP_PORT", "0"),
            Path.of("target", log + ".log"));
    }
}
