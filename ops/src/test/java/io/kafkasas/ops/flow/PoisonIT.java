package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostState;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.client.TaskClient;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad record on every topic, written with a plain producer while the scheduler, the supervisor and
 * an agent run against a real broker and the local schema registry over HTTP: each reader dead-letters each record
 * once with its reason, stays up, and processes the good records written after them.
 */
@RealKafka
class PoisonIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String AGENT = "agent-1";

    @TempDir
    Path dir;

    /** One bad record: what it is, where it goes, under which key, and the reason its readers must give. */
    private record Poison(String kind, String topic, String key, byte[] value, DeadLetterReason reason) {
    }

    /** A poison record as written: where it landed. */
    private record Sent(Poison poison, long offset) {
    }

    @Test
    void shouldDeadLetterEveryKindOfBadRecordOnEveryTopicOnceAndGoOn(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
                SasConfig.KAFKA_PREFIX + "bootstrap.servers", kafka.bootstrapServers(),
                SchemaRegistryConfig.URL, registry.url(), "http.port", "0"));
            SchedulerConfig schedulerConfig = SchedulerConfig.of(with(settings, "streams.state.dir", "s"));
            TopicNames names = schedulerConfig.shared().topicNames();
            TestTopics.create(kafka, names.all(), 2);
            AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(schedulerConfig.shared()
                .schemaRegistry()), true);
            Map<String, String> agentSettings = new HashMap<>(settings);
            agentSettings.put(AgentConfig.AGENT_ID, AGENT);
            try (SchedulerApp scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
                 SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(
                     with(settings, "streams.state.dir", "v")));
                 TaskClient client = TaskClient.create(schedulerConfig.shared());
                 RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
                     List.of(names.deadLetters()), new ByteArrayDeserializer(),
                     serdes.forValues(DeadLetter.class).deserializer());
                 KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                Agent agent = Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC());
                try {
                    await().atMost(WAIT).until(() -> supervisor.streams().state() == KafkaStreams.State.RUNNING
                        && scheduler.streams().state() == KafkaStreams.State.RUNNING);
                    List<Sent> sent = new ArrayList<>();
                    for (Poison poison : poisons(names, serdes)) {
                        sent.add(new Sent(poison, producer.send(new ProducerRecord<>(poison.topic(),
                            poison.key() == null ? null : poison.key().getBytes(StandardCharsets.UTF_8),
                            poison.value())).get().offset()));
                    }

                    String good = client.submit(TaskClient.request("noop").build()).get();
                    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(SupervisorView.get(
                        supervisor.httpUrl() + "/tasks/" + good).path("state").asText())
                        .as("a good task after the poison").isEqualTo("SUCCEEDED"));
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (Sent s : sent) {
                            assertThat(lettersFor(letters, s)).as(s.poison().kind() + " on " + s.poison().topic())
                                .extracting(DeadLetter::getReason)
                                .containsOnly(s.poison().reason())
                                .hasSize(readersOf(s.poison().topic(), names));
                        }
                    });
                    assertThat(scheduler.health().ready()).isTrue();
                    assertThat(supervisor.streams().state()).as("global thread included")
                        .isEqualTo(KafkaStreams.State.RUNNING);
                    assertThat(agent.health().ready()).isTrue();
                    assertThat(SupervisorView.agent(supervisor.httpUrl(), AGENT).path("state").asText())
                        .isEqualTo("ALIVE");
                } finally {
                    agent.stop(AgentExit.STOPPED);
                    agent.awaitExit();
                }
            }
        }
    }

    private Map<String, String> with(Map<String, String> settings, String key, String subDir) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(key, dir.resolve(subDir).toString());
        return copy;
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<DeadLetter> lettersFor(RecordCollector<byte[], DeadLetter> letters, Sent sent) {
        return letters.values(l -> l.getSourceTopic().equals(sent.poison().topic())
            && l.getSourceOffset() == sent.offset());
    }

    /** The task topic has two readers: the agents, and the supervisor. */
    private static int readersOf(String topic, TopicNames names) {
        return topic.equals(names.tasks("default")) ? 2 : 1;
    }

    /** Every kind of bad record, on every topic that has a reader. */
    private static List<Poison> poisons(TopicNames names, AvroSerdes serdes) {
        Instant now = Instant.now();
        TaskEvent event = TaskEvent.newBuilder().setTaskId("t-poison").setAttempt(1).setQueue("default")
            .setType("noop").setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(now).setEmittedAt(now)
            .build();
        TaskStatus status = TaskStatus.newBuilder().setTaskId("t-poison").setAttempt(1)
            .setStatus(TaskStatusType.STARTED).setTimestamp(now).setAgentId("agent-x").build();
        AgentHeartbeat heartbeat = AgentHeartbeat.newBuilder().setAgentId("agent-x").setHostId("h").setIncarnation(1)
            .setSequence(1).setTimestamp(now).setCapacity(1).setFreeSlots(1).build();
        AgentCommand command = AgentCommand.newBuilder().setCommandId("c").setAgentId(AGENT)
            .setType(AgentCommandType.CANCEL_TASK).setTaskId("t-none").setReason("poison test").setIssuedAt(now)
            .build();
        HostHeartbeat host = HostHeartbeat.newBuilder().setHostId("h").setSequence(1).setTimestamp(now)
            .setState(HostState.RUNNING).setPid(1).build();
        TaskRequest request = TaskClient.request("noop").setTaskId("t-poison-request").build();
        List<Poison> poisons = new ArrayList<>();
        poisons.addAll(bytesKinds(names.taskRequests(), "t-poison-request", bytes(serdes, names, request),
            bytes(serdes, names, status), true));
        poisons.add(new Poison("absurd retry policy", names.taskRequests(), "t-poison-absurd", bytes(serdes, names,
            TaskRequest.newBuilder(request).setTaskId("t-poison-absurd").setRetryPolicy(RetryPolicy.newBuilder()
                .setInitialIntervalMs(Long.MAX_VALUE).setMaxIntervalMs(Long.MAX_VALUE).build()).build()),
            DeadLetterReason.INVALID_REQUEST));
        poisons.addAll(withKeyAndFields(names.tasks("default"), "t-poison", event, status, serdes, names,
            TaskEvent.newBuilder(event).setAttempt(0).build()));
        poisons.addAll(withKeyAndFields(names.taskStatus(), "t-poison", status, event, serdes, names,
            TaskStatus.newBuilder(status).setAttempt(-5).build()));
        poisons.addAll(withKeyAndFields(names.heartbeats(), "agent-x", heartbeat, status, serdes, names,
            AgentHeartbeat.newBuilder(heartbeat).setCapacity(-1).build()));
        poisons.addAll(withKeyAndFields(names.agentCommands(), AGENT, command, heartbeat, serdes, names,
            AgentCommand.newBuilder(command).setTaskId(null).build()));
        // a tombstone deletes a host from the global table: that is its meaning there, not poison
        poisons.addAll(bytesKinds(names.hostHeartbeats(), "h", bytes(serdes, names, host),
            bytes(serdes, names, heartbeat), false));
        return poisons;
    }

    /** The kinds that are about the bytes, then a stranger key and an absurd field. */
    private static List<Poison> withKeyAndFields(String topic, String key, SpecificRecord good,
                                                 SpecificRecord otherType, AvroSerdes serdes, TopicNames names,
                                                 SpecificRecord absurd) {
        List<Poison> poisons = new ArrayList<>(bytesKinds(topic, key, bytes(serdes, names, good),
            bytes(serdes, names, otherType), true));
        String stranger = topic.equals(names.agentCommands()) ? key : "stranger";
        byte[] aboutAnother = topic.equals(names.agentCommands())
            ? bytes(serdes, names, AgentCommand.newBuilder((AgentCommand) good).setAgentId("agent-9").build())
            : bytes(serdes, names, good);
        poisons.add(new Poison("stranger key", topic, stranger, aboutAnother, DeadLetterReason.UNPROCESSABLE));
        poisons.add(new Poison("absurd field", topic, key, bytes(serdes, names, absurd),
            DeadLetterReason.UNPROCESSABLE));
        return poisons;
    }

    private static List<Poison> bytesKinds(String topic, String key, byte[] good, byte[] otherType,
                                           boolean tombstone) {
        byte[] random = new byte[64];
        new Random(topic.hashCode()).nextBytes(random);
        random[0] = 7;
        List<Poison> poisons = new ArrayList<>(List.of(
            new Poison("empty value", topic, key, new byte[0], DeadLetterReason.UNDECODABLE),
            new Poison("random bytes", topic, key, random, DeadLetterReason.UNDECODABLE),
            new Poison("truncated Avro", topic, key, Arrays.copyOf(good, good.length / 2),
                DeadLetterReason.UNDECODABLE),
            new Poison("schema id -1", topic, key, withSchemaId(good, -1), DeadLetterReason.UNKNOWN_SCHEMA),
            new Poison("unknown schema id", topic, key, withSchemaId(good, 987_654), DeadLetterReason.UNKNOWN_SCHEMA),
            new Poison("valid Avro of another type", topic, key, otherType, DeadLetterReason.UNDECODABLE)));
        if (tombstone) {
            poisons.add(new Poison("tombstone", topic, key, null, DeadLetterReason.UNDECODABLE));
        }
        return poisons;
    }

    private static byte[] withSchemaId(byte[] good, int id) {
        byte[] copy = good.clone();
        copy[1] = (byte) (id >>> 24);
        copy[2] = (byte) (id >>> 16);
        copy[3] = (byte) (id >>> 8);
        copy[4] = (byte) id;
        return copy;
    }

    /** The topic a record of this type is written to, whose subject holds its schema. */
    private static String home(TopicNames names, SpecificRecord record) {
        return record instanceof TaskEvent ? names.tasks("default")
            : record instanceof TaskStatus ? names.taskStatus()
            : record instanceof AgentHeartbeat ? names.heartbeats()
            : record instanceof AgentCommand ? names.agentCommands()
            : record instanceof HostHeartbeat ? names.hostHeartbeats() : names.taskRequests();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] bytes(AvroSerdes serdes, TopicNames names, T record) {
        Class<T> type = (Class<T>) record.getClass();
        return serdes.forValues(type).serializer().serialize(home(names, record), record);
    }
}
