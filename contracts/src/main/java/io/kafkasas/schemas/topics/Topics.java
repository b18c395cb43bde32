package io.kafkasas.schemas.topics;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentDeath;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.schemas.serde.AvroSerdes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The immutable catalogue of kafka-sas topics: name, key serde and value serde of each. Keys are strings (task,
 * agent or schedule id), except dead letters, whose key is the original record's key bytes, kept as they were.
 */
public final class Topics {

    private final TopicNames names;
    private final AvroSerdes serdes;
    private final Topic<String, TaskRequest> taskRequests;
    private final Map<String, Topic<String, TaskEvent>> tasksByQueue;
    private final Topic<String, TaskStatus> taskStatus;
    private final Topic<String, AgentHeartbeat> heartbeats;
    private final Topic<String, HostHeartbeat> hostHeartbeats;
    private final Topic<String, AgentCommand> agentCommands;
    private final Topic<String, AgentDeath> agentDeaths;
    private final Topic<String, Schedule> schedules;
    private final Topic<String, Pipeline> pipelines;
    private final Topic<byte[], DeadLetter> deadLetters;
    private final Topic<String, Limit> limits;
    private final Topic<String, TaskEvent> limitedTasks;

    public Topics(TopicNames names, AvroSerdes serdes) {
        Serde<String> key = Serdes.String();
        this.names = names;
        this.serdes = serdes;
        this.taskRequests = new Topic<>(names.taskRequests(), key, serdes.forValues(TaskRequest.class));
        Serde<TaskEvent> taskEvents = serdes.forValues(TaskEvent.class);
        this.tasksByQueue = names.queues().stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
            q -> new Topic<>(names.tasks(q), key, taskEvents)));
        this.taskStatus = new Topic<>(names.taskStatus(), key, serdes.forValues(TaskStatus.class));
        this.heartbeats = new Topic<>(names.heartbeats(), key, serdes.forValues(AgentHeartbeat.class));
        this.hostHeartbeats = new Topic<>(names.hostHeartbeats(), key, serdes.forValues(HostHeartbeat.class));
        this.agentCommands = new Topic<>(names.agentCommands(), key, serdes.forValues(AgentCommand.class));
        this.agentDeaths = new Topic<>(names.agentDeaths(), key, serdes.forValues(AgentDeath.class));
        this.schedules = new Topic<>(names.schedules(), key, serdes.forValues(Schedule.class));
        this.pipelines = new Topic<>(names.pipelines(), key, serdes.forValues(Pipeline.class));
        this.deadLetters = new Topic<>(names.deadLetters(), Serdes.ByteArray(), serdes.forValues(DeadLetter.class));
        this.limits = new Topic<>(names.limits(), key, serdes.forValues(Limit.class));
        this.limitedTasks = new Topic<>(names.limitedTasks(), key, taskEvents);
    }

    public TopicNames names() {
        return names;
    }

    /** The serdes of these topics' values, for the apps' own stores. */
    public AvroSerdes serdes() {
        return serdes;
    }

    public Topic<String, TaskRequest> taskRequests() {
        return taskRequests;
    }

    /** The task topic of {@code queue}; an unknown queue is an error that names the known ones. */
    public Topic<String, TaskEvent> tasks(String queue) {
        Topic<String, TaskEvent> topic = tasksByQueue.get(queue);
        if (topic == null) {
            throw new IllegalArgumentException("Unknown queue '" + queue + "'; configured queues: " + names.queues());
        }
        return topic;
    }

    /** The topic of {@code queue}'s {@code lane}. */
    public Topic<String, TaskEvent> tasks(String queue, Lane lane) {
        Topic<String, TaskEvent> normal = tasks(queue);
        return lane == Lane.NORMAL ? normal : new Topic<>(names.tasks(queue, lane), normal.keySerde(),
            normal.valueSerde());
    }

    public Topic<String, TaskStatus> taskStatus() {
        return taskStatus;
    }

    public Topic<String, AgentHeartbeat> heartbeats() {
        return heartbeats;
    }

    public Topic<String, HostHeartbeat> hostHeartbeats() {
        return hostHeartbeats;
    }

    public Topic<String, AgentCommand> agentCommands() {
        return agentCommands;
    }

    public Topic<String, AgentDeath> agentDeaths() {
        return agentDeaths;
    }

    public Topic<String, Schedule> schedules() {
        return schedules;
    }

    public Topic<String, Pipeline> pipelines() {
        return pipelines;
    }

    public Topic<byte[], DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** Every topic, task topics included. */
    public Topic<String, Limit> limits() {
        return limits;
    }

    public Topic<String, TaskEvent> limitedTasks() {
        return limitedTasks;
    }

    public List<Topic<?, ?>> all() {
        List<Topic<?, ?>> all = new ArrayList<>(List.of(taskRequests, taskStatus, heartbeats, hostHeartbeats,
            agentCommands, agentDeaths, schedules, pipelines, deadLetters, limits, limitedTasks));
        names.queues().forEach(q -> all.add(tasksByQueue.get(q)));
        return List.copyOf(all);
    }
}
