package io.kafkasas.ops.bench;

import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    TaskTrail(Map<String, Object> kafka, Topics topics) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        String statusTopic = topics.taskStatus().name();
        Deserializer<TaskStatus> statuses = topics.taskStatus().valueSerde().deserializer();
        Deserializer<TaskEvent> events = topics.tasks(TopicNames.DEFAULT_QUEUE).valueSerde().deserializer();
        Deserializer<Object> either = (topic, data) -> statusTopic.equals(topic)
            ? statuses.deserialize(topic, data) : events.deserialize(topic, data);
        consumer = new KafkaConsumer<>(props, topics.taskStatus().keySerde().deserializer(), either);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(statusTopic, topics.tasks(TopicNames.DEFAULT_QUEUE).name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixed now: only what comes after counts
        thread = new Thread(this::run, "bench-trail");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() instanceof TaskStatus status) {
                        add(status);
                    } else if (record.value() instanceof TaskEvent event
                        && event.getEmitReason() == EmitReason.AGENT_DEAD) {
                        of(event.getTaskId()).reEmittedForDeadAgent.add(event.getEmittedAt().toEpochMilli());
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close();
        }
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
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
