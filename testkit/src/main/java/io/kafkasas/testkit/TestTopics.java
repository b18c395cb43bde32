package io.kafkasas.testkit;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the topics a test needs, and waits until every partition has a leader: producing a burst into a
 * partition whose leader is not known yet got an idempotent producer stuck once (a batch never resent after
 * NOT_LEADER_OR_FOLLOWER, expired after 120 s).
 */
public final class TestTopics {

    private TestTopics() {
    }

    private static void awaitLeaders(Admin admin, Collection<String> names)
        throws ExecutionException, InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < giveUp) {
            boolean led = admin.describeTopics(names).allTopicNames().get().values().stream()
                .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0));
            if (led) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("Partitions of " + names + " had no leader within 30 s");
    }

    public static void create(TestKafka kafka, Collection<String> names, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            short replication = (short) Math.min(3, kafka.nodeCount());
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, replication)).toList()).all().get();
            awaitLeaders(admin, names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topics " + names, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
