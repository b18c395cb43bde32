package io.kafkasas.testkit;

import io.kafkasas.schemas.topics.PartitionsReady;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the topics a test needs and waits until their leaders serve (see {@link PartitionsReady}). */
public final class TestTopics {

    private TestTopics() {
    }

    public static void create(TestKafka kafka, Collection<String> names, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            short replication = (short) Math.min(3, kafka.nodeCount());
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, replication)).toList()).all().get();
            PartitionsReady.await(admin, names, Duration.ofSeconds(30));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topics " + names, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
