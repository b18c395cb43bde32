package io.kafkasas.ops.chaos;

import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Every kind of bad record, for every topic that has a reader, as an attacker or a broken producer with write access
 * would write it: about the bytes (a tombstone, an empty value, random bytes, truncated Avro, a schema id that is
 * negative or unknown, valid Avro of another record type), a key that does not name its value, and a field no
 * writer of ours writes. Each carries the reason its readers must dead-letter it with, and how many readers do.
 */
public final class PoisonRecords {

    /** One bad record: what it is, where it goes, under which key, and what its readers must do with it. */
    public record Poison(String kind, String topic, String key, byte[] value, DeadLetterReason reason, int readers) {

        public ProducerRecord<byte[], byte[]> record() {
            return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        }

        @Override
        public String toString() {
            return kind + " on " + topic;
        }
    }

    /**
     * A valid record of a topic that has readers, as its writers write it; how many readers it has, and whether a
     * tombstone is poison there (on host heartbeats it removes the host).
     */
    public record Sample(String topic, String key, byte[] value, int readers, boolean tombstoneIsPoison) {
    }

    private final TopicNames names;
    private final AvroSerdes serdes;
    private final List<Sample> samples = new ArrayList<>();

    private PoisonRecords(TopicNames names, AvroSerdes serdes) {
        this.names = names;
        this.serdes = serdes;
    }

    /** Every kind on every topic; commands are addressed to {@code agentId}, so that agent reads them. */
    public static List<Poison> all(TopicNames names, AvroSerdes serdes, String agentId) {
        return new PoisonRecords(names, serdes).all(agentId);
    }

    /** A valid record of every topic that has readers, for mutations of one's own. */
    public static List<Sample> samples(TopicNames names, AvroSerdes serdes, String agentId) {
        PoisonRecords records = new PoisonRecords(names, serdes);
        records.all(agentId);
        return List.copyOf(records.samples);
    }

    private List<Poison> all(String agentId) {
        Instant now = Instant.now();
        TaskEvent event = TaskEvent.newBuilder().setTaskId("t-poison").setAttempt(1).setQueue("default")
            .setType("noop").setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(now).setEmittedAt(now)
            .build();
        TaskStatus status = TaskStatus.newBuilder().setTaskId("t-poison").setAttempt(1)
            .setStatus(TaskStatusType.STARTED).setTimestamp(now).setAgentId("agent-poison").build();
        AgentHeartbeat heartbeat = AgentHeartbeat.newBuilder().setAgentId("agent-poison").setHostId("h")
            .setIncarnation(1).setSequence(1).setTimestamp(now).setCapacity(1).setFreeSlots(1).build();
        AgentCommand command = AgentCommand.newBuilder().setCommandId("c-poison").setAgentId(agentId)
            .setType(AgentCommandType.CANCEL_TASK).setTaskId("t-poison").setReason("poison").setIssuedAt(now)
            .build();
        HostHeartbeat host = HostHeartbeat.newBuilder().setHostId("h-poison").setSequence(1).setTimestamp(now)
            .setState(HostState.RUNNING).setPid(1).build();
        TaskRequest request = TaskClient.request("noop").setTaskId("t-poison-request").build();
        List<Poison> poisons = new ArrayList<>(aboutBytes(names.taskRequests(), "t-poison-request", request, status,
            true));
        poisons.add(new Poison("absurd retry policy", names.taskRequests(), "t-poison-absurd",
            bytes(TaskRequest.newBuilder(request).setTaskId("t-poison-absurd").setRetryPolicy(RetryPolicy.newBuilder()
                .setInitialIntervalMs(Long.MAX_VALUE).setMaxIntervalMs(Long.MAX_VALUE).build()).build()),
            DeadLetterReason.INVALID_REQUEST, 1));
        poisons.addAll(aboutAll(names.tasks(TopicNames.DEFAULT_QUEUE), "t-poison", event, status,
            TaskEvent.newBuilder(event).setTaskId("t-other").build(),
            TaskEvent.newBuilder(event).setAttempt(0).build()));
        poisons.addAll(aboutAll(names.taskStatus(), "t-poison", status, event,
            TaskStatus.newBuilder(status).setTaskId("t-other").build(),
            TaskStatus.newBuilder(status).setAttempt(-5).build()));
        poisons.addAll(aboutAll(names.heartbeats(), "agent-poison", heartbeat, status,
            AgentHeartbeat.newBuilder(heartbeat).setAgentId("agent-other").build(),
            AgentHeartbeat.newBuilder(heartbeat).setCapacity(-1).build()));
        poisons.addAll(aboutAll(names.agentCommands(), agentId, command, heartbeat,
            AgentCommand.newBuilder(command).setAgentId(agentId + "-other").build(),
            AgentCommand.newBuilder(command).setTaskId(null).build()));
        // a tombstone removes a host from the supervisor's table: that is its meaning there, not poison
        poisons.addAll(aboutBytes(names.hostHeartbeats(), "h-poison", host, heartbeat, false));
        // and deletes a schedule; a schedule that breaks a rule is refused as an invalid request would be
        Schedule schedule = Schedule.newBuilder().setScheduleId("s-poison").setCron("@yearly").setUpdatedAt(now)
            .setRequest(request).build();
        poisons.addAll(aboutBytes(names.schedules(), "s-poison", schedule, heartbeat, false));
        poisons.add(new Poison("key of another", names.schedules(), "s-poison", bytes(Schedule.newBuilder(schedule)
            .setScheduleId("s-other").build()), DeadLetterReason.INVALID_REQUEST, 1));
        poisons.add(new Poison("invalid cron", names.schedules(), "s-poison", bytes(Schedule.newBuilder(schedule)
            .setCron("61 * * * *").build()), DeadLetterReason.INVALID_REQUEST, 1));
        // a tombstone lets the topic forget a submission; a pipeline that breaks a rule is refused
        Pipeline pipeline = Pipeline.newBuilder().setPipelineId("p-poison").setName("poison").setSubmittedAt(now)
            .setSteps(List.of(PipelineStep.newBuilder().setName("only").setTask(request).build())).build();
        poisons.addAll(aboutBytes(names.pipelines(), "p-poison", pipeline, heartbeat, false));
        poisons.add(new Poison("key of another", names.pipelines(), "p-poison-other", bytes(Pipeline.newBuilder(
            pipeline).setPipelineId("p-poison-elsewhere").build()), DeadLetterReason.INVALID_REQUEST, 1));
        poisons.add(new Poison("cycle", names.pipelines(), "p-poison-cycle", bytes(Pipeline.newBuilder(pipeline)
            .setPipelineId("p-poison-cycle").setSteps(List.of(PipelineStep.newBuilder().setName("a").setTask(request)
                .setDependsOn(List.of("a")).build())).build()), DeadLetterReason.INVALID_REQUEST, 1));
        poisons.addAll(limits(event, heartbeat, status, now));
        return poisons;
    }

    /** A tombstone removes a limit (not poison); a limit that breaks a rule is refused. Limited tasks: as tasks. */
    private List<Poison> limits(TaskEvent event, AgentHeartbeat heartbeat, TaskStatus status, Instant now) {
        Limit limit = Limit.newBuilder().setKey("l-poison").setStartsPerSecond(1_000.0).setUpdatedAt(now).build();
        List<Poison> poisons = new ArrayList<>(aboutBytes(names.limits(), "l-poison", limit, heartbeat, false));
        poisons.add(new Poison("key of another", names.limits(), "l-poison", bytes(Limit.newBuilder(limit)
            .setKey("l-other").build()), DeadLetterReason.UNPROCESSABLE, 1));
        poisons.add(new Poison("absurd field", names.limits(), "l-poison", bytes(Limit.newBuilder(limit)
            .setStartsPerSecond(-1.0).build()), DeadLetterReason.UNPROCESSABLE, 1));
        TaskEvent limited = TaskEvent.newBuilder(event).setLimitKey("l-poison").build();
        poisons.addAll(aboutAll(names.limitedTasks(), "l-poison", limited, status,
            TaskEvent.newBuilder(limited).setLimitKey("l-other").build(),
            TaskEvent.newBuilder(limited).setAttempt(0).build()));
        return poisons;
    }

    /** The kinds about the bytes, then a value about another than its key says, and an absurd field. */
    private List<Poison> aboutAll(String topic, String key, SpecificRecord good, SpecificRecord otherType,
                                  SpecificRecord aboutAnother, SpecificRecord absurd) {
        List<Poison> poisons = new ArrayList<>(aboutBytes(topic, key, good, otherType, true));
        poisons.add(new Poison("key of another", topic, key, bytes(aboutAnother), DeadLetterReason.UNPROCESSABLE,
            readers(topic)));
        poisons.add(new Poison("absurd field", topic, key, bytes(absurd), DeadLetterReason.UNPROCESSABLE,
            readers(topic)));
        return poisons;
    }

    private List<Poison> aboutBytes(String topic, String key, SpecificRecord good, SpecificRecord otherType,
                                    boolean tombstone) {
        byte[] valid = bytes(good);
        samples.add(new Sample(topic, key, valid, readers(topic), tombstone));
        byte[] random = new byte[64];
        new Random(topic.hashCode()).nextBytes(random);
        random[0] = 7; // not the wire format's magic byte
        int readers = readers(topic);
        List<Poison> poisons = new ArrayList<>(List.of(
            new Poison("empty value", topic, key, new byte[0], DeadLetterReason.UNDECODABLE, readers),
            new Poison("random bytes", topic, key, random, DeadLetterReason.UNDECODABLE, readers),
            new Poison("truncated Avro", topic, key, Arrays.copyOf(valid, valid.length / 2),
                DeadLetterReason.UNDECODABLE, readers),
            new Poison("schema id -1", topic, key, withSchemaId(valid, -1), DeadLetterReason.UNKNOWN_SCHEMA, readers),
            new Poison("unknown schema id", topic, key, withSchemaId(valid, 987_654), DeadLetterReason.UNKNOWN_SCHEMA,
                readers),
            new Poison("Avro of another type", topic, key, bytes(otherType), DeadLetterReason.UNDECODABLE,
                readers)));
        if (tombstone) {
            poisons.add(new Poison("tombstone", topic, key, null, DeadLetterReason.UNDECODABLE, readers));
        }
        return poisons;
    }

    /** The task topics have two readers: the agents, and the supervisor. */
    private int readers(String topic) {
        return topic.equals(names.tasks(TopicNames.DEFAULT_QUEUE)) ? 2 : 1;
    }

    private static byte[] withSchemaId(byte[] valid, int id) {
        byte[] copy = valid.clone();
        copy[1] = (byte) (id >>> 24);
        copy[2] = (byte) (id >>> 16);
        copy[3] = (byte) (id >>> 8);
        copy[4] = (byte) id;
        return copy;
    }

    /** The record as its own topic's writers write it, so its schema is registered under that topic's subject. */
    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> byte[] bytes(T record) {
        String home = record instanceof TaskEvent ? names.tasks(TopicNames.DEFAULT_QUEUE)
            : record instanceof TaskStatus ? names.taskStatus()
            : record instanceof AgentHeartbeat ? names.heartbeats()
            : record instanceof AgentCommand ? names.agentCommands()
            : record instanceof HostHeartbeat ? names.hostHeartbeats()
            : record instanceof Schedule ? names.schedules()
            : record instanceof Pipeline ? names.pipelines()
            : record instanceof Limit ? names.limits() : names.taskRequests();
        return serdes.forValues((Class<T>) record.getClass()).serializer().serialize(home, record);
    }
}
