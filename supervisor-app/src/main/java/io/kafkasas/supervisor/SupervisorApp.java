package io.kafkasas.supervisor;

import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.DeadLetterSink;
import io.kafkasas.app.Health;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.streams.DeadLetteringHandler;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.app.streams.StreamsLifecycle;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.CoPartitioned;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.http.QueryApi;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor wired by hand: two Kafka Streams applications (the task state machine, and agent liveness on a
 * stream thread of its own), the query API (interactive queries across instances, each instance advertising its
 * HTTP address as {@code application.server}), health and metrics.
 */
public final class SupervisorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorApp.class);

    private final SupervisorConfig config;
    private final AppMetrics metrics = new AppMetrics("supervisor");
    private final DeadLetterSink deadLetters;
    private final KafkaStreams streams;
    private final KafkaStreams liveness;
    private final HttpApi http;

    private SupervisorApp(SupervisorConfig config) {
        this.config = config;
        HttpSettings settings = config.http();
        HostInfo self = InstanceQueries.self(settings, config.advertisedHost());
        SchemaRegistryConfig registry = config.shared().schemaRegistry();
        AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(registry), registry.autoRegister());
        this.deadLetters = deadLetterSink(config, serdes, metrics.registry());
        SupervisorMetrics supervisorMetrics = new SupervisorMetrics(metrics.registry());
        KafkaStreams tasks = null;
        KafkaStreams agents = null;
        try {
            tasks = streams("tasks", SupervisorTopology.tasks(config, config.shared().topicNames(), serdes,
                supervisorMetrics, () -> ThreadLocalRandom.current().nextDouble(),
                () -> UUID.randomUUID().toString()), streamsProperties(config.streamsProperties(), deadLetters), self);
            agents = streams("liveness", SupervisorTopology.liveness(config, config.shared().topicNames(), serdes,
                supervisorMetrics), streamsProperties(config.livenessProperties(), deadLetters), self);
            this.streams = tasks;
            this.liveness = agents;
            this.http = AppEndpoints.start(settings.onPort(self.port()), this::health, metrics,
                AppEndpoints.describedBy("openapi/supervisor.yaml", new QueryApi(tasks, agents, self,
                    config.heartbeatTimeout(), Clock.systemUTC(), settings, supervisorMetrics::counts).routes()));
        } catch (RuntimeException e) {
            // e.g. the HTTP port is taken
            for (KafkaStreams built : new KafkaStreams[] {tasks, agents}) {
                if (built != null) {
                    built.close(Duration.ofSeconds(5));
                }
            }
            deadLetters.close();
            metrics.close();
            throw e;
        }
    }

    private KafkaStreams streams(String what, Topology topology, Properties props, HostInfo self) {
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        return StreamsApps.create("supervisor " + what, topology, props, metrics);
    }

    /** The Streams settings: the configured ones, and poison input dead-lettered instead of failing. */
    static Properties streamsProperties(Map<String, Object> configured, DeadLetterSink deadLetters) {
        Properties props = new Properties();
        props.putAll(configured);
        DeadLetteringHandler.install(props, deadLetters);
        return props;
    }

    /** Where the supervisor's poison records go. */
    static DeadLetterSink deadLetterSink(SupervisorConfig config, AvroSerdes serdes, MeterRegistry meters) {
        Topic<byte[], DeadLetter> topic = new Topics(config.shared().topicNames(), serdes).deadLetters();
        return new DeadLetterSink("supervisor", "supervisor " + config.applicationId(), topic.name(),
            topic.valueSerde().serializer(), config.shared().kafkaProperties(), meters);
    }

    public static SupervisorApp start(SupervisorConfig config) {
        checkPartitions(config);
        SupervisorApp app = new SupervisorApp(config);
        app.liveness.start();
        app.streams.start();
        LOG.info("Supervisor {} started; HTTP on {}", config.applicationId(), app.http.url());
        return app;
    }

    /** Refuses to start on topics that break the co-partitioning rule ({@link CoPartitioned}). */
    private static void checkPartitions(SupervisorConfig config) {
        Map<String, Object> kafka = new HashMap<>(config.shared().kafkaProperties());
        kafka.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        kafka.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(kafka)) {
            CoPartitioned.check(admin, config.shared().topicNames());
        } catch (ExecutionException e) {
            // the brokers do not answer now: Kafka Streams waits for them and reports missing topics itself
            LOG.warn("Could not check the partitions of {}: {}", CoPartitioned.topics(config.shared().topicNames()),
                e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics' partitions", e);
        }
    }

    /** Ready when both applications are; the state names the one that is not. */
    public Health health() {
        Health tasks = StreamsLifecycle.health(streams);
        Health agents = StreamsLifecycle.health(liveness);
        if (tasks.ready() && agents.ready()) {
            return tasks;
        }
        Health down = tasks.ready() ? agents : tasks;
        return new Health(false, tasks.live() && agents.live(), (down == tasks ? "tasks " : "liveness ")
            + down.state());
    }

    public String httpUrl() {
        return http.url();
    }

    public KafkaStreams streams() {
        return streams;
    }


    @Override
    public void close() {
        http.close();
        StreamsLifecycle.close(streams, config.streamsProperties(), Duration.ofSeconds(30));
        StreamsLifecycle.close(liveness, config.livenessProperties(), Duration.ofSeconds(30));
        deadLetters.close();
        metrics.close();
        LOG.info("Supervisor stopped");
    }
}
