package io.kafkasas.schemas.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The rule that the task topics, the status topic and agent-deaths have one partition count: a task's events and
 * statuses must meet in one partition of the supervisor, and every death must reach every partition. Kafka Streams
 * does not check it for topics that are merged rather than joined, so a supervisor checks it before it starts.
 */
public final class CoPartitioned {

    private CoPartitioned() {
    }

    /** The co-partitioned topics of {@code names}. */
    public static List<String> topics(TopicNames names) {
        List<String> topics = new ArrayList<>(names.queues().stream().map(names::tasks).toList());
        topics.add(names.taskStatus());
        topics.add(names.agentDeaths());
        return topics;
    }

    /**
     * Throws if the existing co-partitioned topics differ in partitions, naming each count; topics not created yet
     * are left to the reader that needs them.
     */
    public static void check(Admin admin, TopicNames names) throws ExecutionException, InterruptedException {
        Map<String, Integer> partitions = new TreeMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
            : admin.describeTopics(topics(names)).topicNameValues().entrySet()) {
            try {
                partitions.put(topic.getKey(), topic.getValue().get().partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        if (partitions.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("The task topics, " + names.taskStatus() + " and " + names.agentDeaths()
                + " must have the same number of partitions, but have " + partitions + "; recreate them with"
                + " 'sasctl topics create' (topics.partitions), or add partitions to the smaller ones");
        }
    }
}
