package io.kafkasas.scheduler;

import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.DeadLetterSink;
import io.kafkasas.app.Health;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.streams.DeadLetteringHandler;
import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.app.streams.StreamsLifecycle;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.client.TaskClient;
import io.kafkasas.scheduler.http.LimitApi;
import io.kafkasas.scheduler.http.PipelineApi;
import io.kafkasas.scheduler.http.ScheduleApi;
import io.kafkasas.scheduler.http.StoreApi;
import io.kafkasas.scheduler.http.TaskApi;
import io.kafkasas.scheduler.intake.IntakeProcessor;
import io.kafkasas.scheduler.intake.IntakeTopology;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scheduler wired by hand: the intake topology, the HTTP API, and health and metrics. */
public final class SchedulerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerApp.class);
    private static final Duration LOOKUP_PATIENCE = Duration.ofSeconds(2);

    private final SchedulerConfig config;
    private final Clock clock;
    private final AppMetrics metrics;
    private final DeadLetterSink deadLetters;
    private final KafkaStreams streams;
    private final TaskClient client;
    private final HttpApi http;

    private SchedulerApp(SchedulerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = new AppMetrics("scheduler");
        Topics topics = config.shared().topics();
        HostInfo self = InstanceQueries.self(config.http(), config.advertisedHost());
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        Topic<byte[], DeadLetter> deadLetterTopic = topics.deadLetters();
        this.deadLetters = new DeadLetterSink("scheduler", IntakeProcessor.PRODUCED_BY, deadLetterTopic.name(),
            deadLetterTopic.valueSerde().serializer(), config.shared().kafkaProperties(), metrics.registry());
        DeadLetteringHandler.install(props, deadLetters);
        IdleCommits idleCommits = config.commitWhenIdle()
            ? IdleCommits.install(props, config.commitMinInterval()) : IdleCommits.off();
        SchedulerTopology.Partitions partitions = new SchedulerTopology.Partitions(
            partitionsOf(config, config.shared().topicNames().schedules()),
            partitionsOf(config, config.shared().topicNames().pipelines()),
            partitionsOf(config, config.shared().topicNames().limitedTasks()));
        this.streams = StreamsApps.create("scheduler", SchedulerTopology.build(config, topics, partitions,
            metrics.registry(), clock, idleCommits), props, metrics);
        this.client = TaskClient.create(config.shared());
        RequestValidator validator = new RequestValidator(config.requestLimits());
        Map<String, Route> routes = new HashMap<>(TaskApi.routes(client, validator, this::firstTaskOf, clock));
        InstanceQueries instances = new InstanceQueries(self, config.http());
        StoreApi.Parts parts = new StoreApi.Parts(client, validator, streams, instances, clock);
        routes.putAll(new ScheduleApi(parts).routes());
        routes.putAll(new PipelineApi(parts).routes());
        routes.putAll(new LimitApi(parts).routes());
        this.http = AppEndpoints.start(config.http().onPort(self.port()), this::health, metrics,
            AppEndpoints.describedBy("openapi/scheduler.yaml", routes));
    }

    /**
     * The partition count of topic {@code name} (schedules, pipelines), which the view of their tasks is partitioned
     * by. The topics exist before the apps start ({@code sasctl topics create}); a scheduler started first says so.
     */
    private static int partitionsOf(SchedulerConfig config, String name) {
        try (Admin admin = Admin.create(config.shared().kafkaProperties())) {
            return admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name)
                .partitions().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the partitions of topic " + name + " (create the topics"
                + " first: sasctl topics create): " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Cannot read the partitions of topic " + name + ": " + e, e);
        }
    }

    /** Starts the scheduler; {@link #close()} stops it. */
    public static SchedulerApp start(SchedulerConfig config, Clock clock) {
        SchedulerApp app = new SchedulerApp(config, clock);
        app.streams.start();
        LOG.info("Scheduler {} started; HTTP on {}", config.applicationId(), app.http.url());
        return app;
    }

    public Health health() {
        return StreamsLifecycle.health(streams);
    }

    /**
     * The task an idempotency key already stands for, if this instance holds that key's partition (empty at once if
     * another instance does). A rebalance makes the store briefly unavailable, so the look-up is retried for up to
     * {@link #LOOKUP_PATIENCE}. Only the key's own partition is asked: a store of another partition that is closed
     * or moving says nothing about this key.
     */
    Optional<String> firstTaskOf(String idempotencyKey) {
        int partition = client.requestPartition(idempotencyKey);
        long giveUp = System.nanoTime() + LOOKUP_PATIENCE.toNanos();
        while (true) {
            if (holds(partition)) {
                try {
                    ReadOnlyWindowStore<String, String> dedup = streams.store(StoreQueryParameters.fromNameAndType(
                            IntakeTopology.DEDUP_STORE, QueryableStoreTypes.<String, String>windowStore())
                        .withPartition(partition).enableStaleStores());
                    Instant now = clock.instant();
                    Duration window = config.dedupWindow();
                    try (WindowStoreIterator<String> seen = dedup.fetch(idempotencyKey, now.minus(window),
                            now.plus(window))) {
                        return seen.hasNext() ? Optional.of(seen.next().value) : Optional.empty();
                    }
                } catch (InvalidStateStoreException e) {
                    LOG.debug("Cannot look up idempotency key {} yet: {}", idempotencyKey, e.toString());
                }
            } else if (streams.state() == KafkaStreams.State.RUNNING) {
                return Optional.empty(); // another instance's partition
            }
            if (System.nanoTime() > giveUp) {
                LOG.debug("Cannot look up idempotency key {} here now", idempotencyKey);
                return Optional.empty();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Whether this instance holds (active or standby) the intake task of {@code partition}. */
    private boolean holds(int partition) {
        return streams.metadataForLocalThreads().stream()
            .flatMap(thread -> Stream.concat(thread.activeTasks().stream(), thread.standbyTasks().stream()))
            .anyMatch(task -> task.taskId().partition() == partition);
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
        client.close();
        deadLetters.close();
        metrics.close();
        LOG.info("Scheduler stopped");
    }
}
