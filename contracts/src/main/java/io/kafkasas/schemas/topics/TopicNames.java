package io.kafkasas.schemas.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names of every kafka-sas topic, under one prefix (default {@code sas.}). Task topics are one per queue:
 * {@code <prefix>tasks.<queue>}, so a slow queue never holds up the partitions of another; and one per priority lane
 * of a queue beside it, {@code <prefix>tasks.<queue>.high} and {@code .low} ({@link Lane}).
 */
public record TopicNames(String prefix, List<String> queues) {

    /** Kafka's legal topic characters; a queue name becomes part of a topic name. */
    public static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    public static final String DEFAULT_PREFIX = "sas.";
    public static final String DEFAULT_QUEUE = "default";

    public TopicNames {
        if (!prefix.isEmpty() && !LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Topic prefix '" + prefix + "' may only contain a-z A-Z 0-9 . _ -");
        }
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("At least one queue is needed");
        }
        for (String queue : queues) {
            if (!LEGAL.matcher(queue).matches()) {
                throw new IllegalArgumentException("Queue name '" + queue + "' may only contain a-z A-Z 0-9 . _ -");
            }
            if (queue.endsWith(Lane.HIGH.suffix()) || queue.endsWith(Lane.LOW.suffix())) {
                throw new IllegalArgumentException("Queue name '" + queue + "' may not end in " + Lane.HIGH.suffix()
                    + " or " + Lane.LOW.suffix() + ": those name the priority lanes of a queue");
            }
        }
        queues = List.copyOf(queues);
    }

    public static TopicNames defaults() {
        return new TopicNames(DEFAULT_PREFIX, List.of(DEFAULT_QUEUE));
    }

    public String taskRequests() {
        return prefix + "task-requests";
    }

    /** The queue's own topic: its normal lane. */
    public String tasks(String queue) {
        return tasks(queue, Lane.NORMAL);
    }

    public String tasks(String queue, Lane lane) {
        if (!queues.contains(queue)) {
            throw new IllegalArgumentException("Unknown queue '" + queue + "'; configured queues: " + queues);
        }
        return prefix + "tasks." + queue + lane.suffix();
    }

    /** Where a task of this queue and priority goes. */
    public String tasks(String queue, int priority) {
        return tasks(queue, Lane.of(priority));
    }

    /** The lane {@code topic} is, if it is a task topic. */
    public Optional<Lane> laneOf(String topic) {
        for (String queue : queues) {
            for (Lane lane : Lane.values()) {
                if (tasks(queue, lane).equals(topic)) {
                    return Optional.of(lane);
                }
            }
        }
        return Optional.empty();
    }

    /** Every lane of every queue: what agents read and the supervisor follows. */
    public List<String> taskTopics() {
        List<String> topics = new ArrayList<>();
        queues.forEach(q -> {
            for (Lane lane : Lane.values()) {
                topics.add(tasks(q, lane));
            }
        });
        return List.copyOf(topics);
    }

    public String taskStatus() {
        return prefix + "task-status";
    }

    public String heartbeats() {
        return prefix + "heartbeats";
    }

    public String hostHeartbeats() {
        return prefix + "host-heartbeats";
    }

    public String agentCommands() {
        return prefix + "agent-commands";
    }

    /** The supervisor's verdicts on agents, written to every partition; as many partitions as the status topic. */
    public String agentDeaths() {
        return prefix + "agent-deaths";
    }

    public String schedules() {
        return prefix + "schedules";
    }

    public String pipelines() {
        return prefix + "pipelines";
    }

    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /** The limits in force (compacted, keyed by limit key). */
    public String limits() {
        return prefix + "limits";
    }

    /** Tasks held by the scheduler until their limit lets them start, keyed by limit key. */
    public String limitedTasks() {
        return prefix + "limited-tasks";
    }

    /** Every topic name, task topics included. */
    public List<String> all() {
        List<String> all = new ArrayList<>(List.of(taskRequests(), taskStatus(), heartbeats(), hostHeartbeats(),
            agentCommands(), agentDeaths(), schedules(), pipelines(), deadLetters(), limits(), limitedTasks()));
        all.addAll(taskTopics());
        return List.copyOf(all);
    }
}
