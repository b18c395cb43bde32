package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.chaos.PoisonRecords;
import io.kafkasas.ops.chaos.PoisonRecords.Poison;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

    /** A poison record as written: where it landed. */
    private record Sent(Poison poison, int partition, long offset) {
    }

    @Test
    void shouldDeadLetterEveryKindOfBadRecordOnEveryTopicOnceAndGoOn(TestKafka kafka) throws Exception {
        try (LocalSchemaRegistryServer registry = LocalSchemaRegistryServer.start(dir.resolve("registry.jsonl"), 0)) {
            Map<String, String> settings = TestSettings.of(kafka, registry.url());
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
                 KafkaProducer<byte[], byte[]> producer = kafka.rawProducer()) {
                Agent agent = Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC());
                try {
                    await().atMost(WAIT).until(() -> supervisor.streams().state() == KafkaStreams.State.RUNNING
                        && scheduler.streams().state() == KafkaStreams.State.RUNNING);
                    List<Sent> sent = new ArrayList<>();
                    for (Poison poison : PoisonRecords.all(names, serdes, AGENT)) {
                        RecordMetadata written = producer.send(poison.record()).get();
                        sent.add(new Sent(poison, written.partition(), written.offset()));
                    }

                    // the Java client's outcome reader reads past a poison status of the very task it waits for
                    String good = UniqueNames.of("t-after-poison");
                    producer.send(new ProducerRecord<>(names.taskStatus(), good.getBytes(StandardCharsets.UTF_8),
                        new byte[] {7, 7, 7})).get();
                    Instant since = Instant.now();
                    client.submit(TaskClient.request("noop").setTaskId(good).build()).get();
                    assertThat(client.outcome(good, since, WAIT).get().getStatus())
                        .isEqualTo(TaskStatusType.SUCCEEDED);
                    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(SupervisorView.get(
                        supervisor.httpUrl() + "/tasks/" + good).path("state").asText())
                        .as("a good task after the poison").isEqualTo("SUCCEEDED"));
                    await().atMost(WAIT).untilAsserted(() -> {
                        for (Sent s : sent) {
                            assertThat(lettersFor(letters, s)).as(s.poison().toString())
                                .extracting(DeadLetter::getReason)
                                .containsOnly(s.poison().reason())
                                .hasSize(s.poison().readers());
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


    private static List<DeadLetter> lettersFor(RecordCollector<byte[], DeadLetter> letters, Sent sent) {
        return letters.values(l -> l.getSourceTopic().equals(sent.poison().topic())
            && l.getSourcePartition() == sent.partition() && l.getSourceOffset() == sent.offset());
    }
}
