package io.kafkasas.ops.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ctl.Sasctl;
import io.kafkasas.kafka.ClusterSecurity;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.flow.SupervisorView;
import io.kafkasas.ops.local.LocalStack;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.acls.AccessPlan;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.TestAuth;
import io.kafkasas.testkit.UniqueNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every app on a cluster that demands SASL_SSL (SCRAM-SHA-512) or a client certificate, with the authorizer on and
 * only the ACLs {@code sasctl acls apply} made: the apps run tasks to the end, and each principal is refused
 * outside its grants.
 */
class SecureKafkaIT {

    @TempDir
    static Path dir;
    private static ClusterSecurity security;
    private static KafkaCluster cluster;
    private static Map<String, String> shared;
    private static final Map<String, String> PASSWORDS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        security = ClusterSecurity.create(dir.resolve("tls"));
        cluster = KafkaCluster.start(dir.resolve("kafka"), 1, 0, Map.of(), security);
        shared = new HashMap<>(Map.of(SasConfig.TOPIC_PREFIX, UniqueNames.topicPrefix(),
            SchemaRegistryConfig.URL, "mock://" + UniqueNames.of("secure"), "http.port", "0"));
        shared.putAll(TestAuth.settings());
        Map<String, String> admin = withKafka(shared, security.adminClient(), cluster.bootstrapServers());
        admin.put(ProvisioningConfig.REPLICATION_FACTOR, "1");
        Path adminFile = dir.resolve("admin.properties");
        LocalStack.writeSettings(adminFile, admin);
        assertThat(Sasctl.run(adminFile.toString(), "topics", "create").exitCode()).isZero();
        Sasctl.Run applied = Sasctl.run(adminFile.toString(), "acls", "apply");
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("CREATED").doesNotContain("EXISTED");
        assertThat(Sasctl.run(adminFile.toString(), "acls", "apply").out()).contains("EXISTED")
            .doesNotContain("CREATED");
        try (Admin client = Admin.create(properties(admin))) {
            for (String user : List.of("scheduler", "supervisor", "submitter", "reader")) {
                PASSWORDS.put(user, UniqueNames.of("pw"));
                ClusterSecurity.addUser(client, "kafka-sas-" + user, PASSWORDS.get(user));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAppShouldRunUnderItsOwnAcls() throws Exception {
        Map<String, String> scheduler = scram("scheduler");
        scheduler.put(StreamsApps.STREAMS_PREFIX + "state.dir", dir.resolve("scheduler").toString());
        Map<String, String> supervisor = scram("supervisor");
        supervisor.put(StreamsApps.STREAMS_PREFIX + "state.dir", dir.resolve("supervisor").toString());
        Map<String, String> agent = withKafka(shared, security.certificateClient("kafka-sas-agent"),
            cluster.tlsBootstrapServers());
        agent.put(AgentConfig.AGENT_ID, "secure-agent");
        Agent running = Agent.start(AgentConfig.of(agent), Clock.systemUTC());
        try (SchedulerApp s = SchedulerApp.start(SchedulerConfig.of(scheduler), Clock.systemUTC());
             SupervisorApp v = SupervisorApp.start(SupervisorConfig.of(supervisor));
             TaskClient client = TaskClient.create(SasConfig.of(scram("submitter")))) {
            Instant since = Instant.now();
            List<String> ids = new ArrayList<>();
            List<CompletableFuture<TaskStatus>> outcomes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String taskId = client.submit(TaskClient.request("noop").build()).get(60, TimeUnit.SECONDS);
                ids.add(taskId);
                outcomes.add(client.outcome(taskId, since, Duration.ofMinutes(2)));
            }
            for (CompletableFuture<TaskStatus> outcome : outcomes) {
                assertThat(outcome.get(3, TimeUnit.MINUTES).getStatus()).isEqualTo(TaskStatusType.SUCCEEDED);
            }
            // the supervisor's two applications read and judge under their grants
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().untilAsserted(() ->
                SupervisorView.assertSucceededOnce(v.httpUrl(), ids));
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> "ALIVE".equals(
                SupervisorView.agent(v.httpUrl(), "secure-agent").path("state").asText()));

            // a cancel goes scheduler -> status topic -> supervisor -> agent command -> the agent stops it
            String sleeping = client.submit(TaskClient.request("sleep").setPayload(ByteBuffer.wrap(
                "{\"ms\":60000}".getBytes(StandardCharsets.UTF_8))).build())
                .get(60, TimeUnit.SECONDS);
            // 404 until the supervisor has read the task's first status
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> "RUNNING".equals(
                SupervisorView.get(v.httpUrl() + "/tasks/" + sleeping).path("state").asText()));
            HttpResponse<String> cancel = HttpClient.newHttpClient().send(TestAuth.authorized(HttpRequest.newBuilder(
                URI.create(s.httpUrl() + "/tasks/" + sleeping + "/cancel"))).POST(HttpRequest.BodyPublishers
                .noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cancel.statusCode()).isEqualTo(202);
            assertThat(client.outcome(sleeping, since, Duration.ofMinutes(1)).get(2, TimeUnit.MINUTES).getStatus())
                .isEqualTo(TaskStatusType.CANCELLED);
        } finally {
            running.stop(AgentExit.STOPPED);
            running.awaitExit();
        }
    }

    @Test
    void eachPrincipalShouldBeRefusedOutsideItsGrants() {
        TopicNames names = new AccessPlan(shared).topicNames();
        Map<String, Object> agent = properties(withKafka(shared, security.certificateClient("kafka-sas-agent"),
            cluster.tlsBootstrapServers()));
        assertThatThrownBy(() -> write(agent, names.tasks("default")))
            .as("an agent writes a task event").hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> write(agent, names.agentDeaths()))
            .as("an agent declares another dead").hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(agent, names.taskRequests()))
            .as("an agent reads task requests").isInstanceOf(TopicAuthorizationException.class);

        Map<String, Object> reader = properties(scram("reader"));
        // no write anywhere: refused before the topic is even asked (an idempotent producer needs a topic to write)
        assertThatThrownBy(() -> write(reader, names.taskRequests()))
            .as("the read-only principal produces").hasCauseInstanceOf(ClusterAuthorizationException.class);
        read(reader, names.taskStatus());

        Map<String, Object> submitter = properties(scram("submitter"));
        assertThatThrownBy(() -> write(submitter, names.tasks("default")))
            .as("a submitter skips the scheduler").hasCauseInstanceOf(TopicAuthorizationException.class);
    }

    private static Map<String, String> scram(String user) {
        return withKafka(shared, security.scramClient("kafka-sas-" + user, PASSWORDS.get(user)),
            cluster.bootstrapServers());
    }

    /** {@code settings} with the client {@code properties} as {@code kafka.*} settings. */
    private static Map<String, String> withKafka(Map<String, String> settings, Map<String, Object> properties,
                                                 String bootstrap) {
        Map<String, String> with = new HashMap<>(settings);
        properties.forEach((k, v) -> with.put(SasConfig.KAFKA_PREFIX + k, String.valueOf(v)));
        with.put(SasConfig.KAFKA_PREFIX + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return with;
    }

    private static Map<String, Object> properties(Map<String, String> settings) {
        Map<String, Object> props = new HashMap<>(SasConfig.of(settings).kafkaProperties());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    private static void write(Map<String, Object> props, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
            new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(30, TimeUnit.SECONDS);
        }
    }

    private static void read(Map<String, Object> props, String topic) {
        Map<String, Object> consumer = new HashMap<>(props);
        consumer.keySet().removeIf(k -> k.startsWith("max.block") || k.startsWith("delivery"));
        consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            reader.assign(List.of(new TopicPartition(topic, 0)));
            reader.seekToBeginning(reader.assignment());
            reader.poll(Duration.ofSeconds(2));
        }
    }
}
