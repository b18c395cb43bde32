package io.kafkasas.ops.bench;

import io.kafkasas.app.TopicFollower;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What happened to each task from now on, read as the supervisor reads it (read_committed): who started which
 * attempt when, when the supervisor re-emitted it because its agent died, and when it succeeded. Default queue only.
 */
final class TaskTrail implements AutoCloseable {

    /** A STARTED status: which agent incarnation, at what time (epoch ms). */
    record Start(String agentId, long incarnation, long at) {
    }

    /** One task's trail; lists are appended by the reader thread while others read them. */
    static final class Trail {
        final List<Start> starts = new CopyOnWriteArrayList<>();
        final List<Long> reEmittedForDeadAgent = new CopyOnWriteArrayList<>();
        final List<Long> succeeded = new CopyOnWriteArrayList<>();

        @Override
        public String toString() {
            return "started " + starts + ", re-emitted for a dead agent at " + reEmittedForDeadAgent + ", succeeded at "
                + succeeded;
        }
    }

    private final Map<String, Trail> trails = new ConcurrentHashMap<>();
    private final TopicFollower<Object> follower;

    TaskTrail(Map<String, Object> kafka, Topics topics) {
        String statusTopic = topics.taskStatus().name();
        Deserializer<TaskStatus> statuses = topics.taskStatus().valueSerde().deserializer();
        Deserializer<TaskEvent> events = topics.tasks(TopicNames.DEFAULT_QUEUE).valueSerde().deserializer();
        Deserializer<Object> either = (topic, data) -> statusTopic.equals(topic)
            ? statuses.deserialize(topic, data) : events.deserialize(topic, data);
        follower = new TopicFollower<>("bench-trail", kafka, List.of(statusTopic,
            topics.tasks(TopicNames.DEFAULT_QUEUE).name()), topics.taskStatus().keySerde().deserializer(), either,
            record -> {
                if (record.value() instanceof TaskStatus status) {
                    add(status);
                } else if (record.value() instanceof TaskEvent event
                    && event.getEmitReason() == EmitReason.AGENT_DEAD) {
                    of(event.getTaskId()).reEmittedForDeadAgent.add(event.getEmittedAt().toEpochMilli());
                }
            });
    }

    private void add(TaskStatus status) {
        long at = status.getTimestamp().toEpochMilli();
        if (status.getStatus() == TaskStatusType.STARTED) {
            of(status.getTaskId()).starts.add(new Start(status.getAgentId(), status.getIncarnation(), at));
        } else if (status.getStatus() == TaskStatusType.SUCCEEDED) {
            of(status.getTaskId()).succeeded.add(at);
        }
    }

    Trail of(String taskId) {
        return trails.computeIfAbsent(taskId, k -> new Trail());
    }

    @Override
    public void close() throws InterruptedException {
        follower.close();
    }
}
