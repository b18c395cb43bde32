package io.kafkasas.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * Waits for a consumer group to settle. A test that starts several consumers (agents) and then expects work to be
 * shared must wait for this: a member that joins late finds the work already taken by the others.
 */
public final class TestGroups {

    private TestGroups() {
    }

    /** Returns once {@code group} has exactly {@code members} members, each with at least one partition. */
    public static void awaitMembers(TestKafka kafka, String group, int members, Duration atMost)
        throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        String seen = "nothing yet";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                try {
                    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get()
                        .get(group);
                    if (description.members().size() == members && description.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                        return;
                    }
                    seen = description.members().size() + " member(s)";
                } catch (ExecutionException e) {
                    seen = e.getCause().toString(); // not there yet
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new IllegalStateException("Group " + group + " did not reach " + members + " members with partitions in "
            + atMost + "; last seen: " + seen);
    }
}
