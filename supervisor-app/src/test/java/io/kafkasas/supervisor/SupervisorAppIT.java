package io.kafkasas.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealKafka
class SupervisorAppIT {

    @TempDir
    Path dir;

    @Test
    void aSupervisorThatCannotStartShouldLeaveNoThreadBehind(TestKafka kafka) throws Exception {
        String prefix = UniqueNames.topicPrefix();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SupervisorConfig config = SupervisorConfig.of(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "topic.prefix", prefix,
                "schema.registry.url", "mock://supervisor-app-test", "http.port", "" + taken.getLocalPort(),
                "streams.state.dir", dir.toString()));

            assertThatThrownBy(() -> SupervisorApp.start(config)).hasMessageContaining("" + taken.getLocalPort());
        }
        // both applications' clients (a producer's network thread, a consumer's) are named after their ids
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
            .noneMatch(t -> t.getName().contains(prefix + "supervisor") && t.isAlive()));
    }

    @Test
    void shouldRefuseToStartWhenTheStatusAndDeathTopicsAreNotPartitionedAsTheTaskTopics(TestKafka kafka)
        throws Exception {
        String prefix = UniqueNames.topicPrefix();
        TestTopics.create(kafka, List.of(prefix + "tasks.default", prefix + "task-status"), 3);
        TestTopics.create(kafka, List.of(prefix + "agent-deaths"), 1);
        SupervisorConfig config = SupervisorConfig.of(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
            "topic.prefix", prefix, "schema.registry.url", "mock://supervisor-app-test", "http.port", "0",
            "streams.state.dir", dir.toString()));

        assertThatThrownBy(() -> SupervisorApp.start(config)).hasMessageContaining(prefix + "agent-deaths=1")
            .hasMessageContaining(prefix + "task-status=3");
    }
}
