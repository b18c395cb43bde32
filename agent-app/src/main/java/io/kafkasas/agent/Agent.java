package io.kafkasas.agent;

import io.kafkasas.agent.handler.Handlers;
import io.kafkasas.agent.run.AgentIdentity;
import io.kafkasas.agent.run.CommandListener;
import io.kafkasas.agent.run.Heartbeats;
import io.kafkasas.agent.run.LanePicker;
import io.kafkasas.agent.run.Reporter;
import io.kafkasas.agent.run.Runner;
import io.kafkasas.agent.run.TaskLoop;
import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.DeadLetterSink;
import io.kafkasas.app.Health;
import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentState;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.registry.SchemaRegistryClient;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.serde.AvroSerializer;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent, wired by hand: the agent loop ({@link TaskLoop}), the worker pool ({@link Runner}), heartbeats,
 * the command listener, and the health and metrics endpoints. {@link #stop} is the graceful way out: stop taking
 * tasks, let running ones finish within the shutdown grace, release the rest (RELEASED), leave the group.
 */
public final class Agent {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final AppMetrics metrics = new AppMetrics("agent");
    private final Producer<byte[], IndexedRecord> reports;
    private final Producer<byte[], IndexedRecord> beats;
    private final Producer<byte[], IndexedRecord> transactions;
    private final Runner runner;
    private final TaskLoop loop;
    private final Heartbeats heartbeats;
    private final CommandListener commands;
    private final HttpApi http;
    private final AtomicReference<AgentExit> exit = new AtomicReference<>();
    private final CompletableFuture<AgentExit> exited = new CompletableFuture<>();
    private volatile AgentState state = AgentState.STARTING;

    private Agent(AgentConfig config, Clock clock) {
        this.config = config;
        SchemaRegistryConfig registryConfig = config.shared().schemaRegistry();
        SchemaRegistryClient registry = SchemaRegistryClients.create(registryConfig);
        AvroSerdes serdes = new AvroSerdes(registry, registryConfig.autoRegister());
        Topics topics = new Topics(config.shared().topicNames(), serdes);
        TopicNames names = topics.names();
        AgentIdentity identity = new AgentIdentity(config.agentId(), config.hostId(), config.incarnation(),
            config.queues(), config.concurrency());
        this.reports = producer(registry, registryConfig.autoRegister(), "reports", null);
        // heartbeats never queue behind a burst of statuses: the supervisor judges liveness by them alone
        this.beats = producer(registry, registryConfig.autoRegister(), "heartbeats", null);
        this.transactions = producer(registry, registryConfig.autoRegister(), "transactions",
            AppIds.agentTransactionalId(names, config.agentId()));
        Reporter reporter = new Reporter(reports, names, identity, clock);
        Handlers handlers = Handlers.load(config.handlers(), config.handlerPath(), config::handlerSettings,
            config.typeMapping(), Agent.class.getClassLoader());
        LOG.info("Agent {} (incarnation {}) runs task types: {}", config.agentId(), config.incarnation(),
            handlers.describe());
        TaskLoop[] loopRef = new TaskLoop[1];
        this.runner = new Runner(config.concurrency(), handlers, reporter, config.cancelGrace(),
            config.maxResultBytes(), metrics.registry(), () -> loopRef[0].slotFreed());
        // heartbeat (STARTING) from here on: a restarted agent is seen alive seconds sooner on a busy machine
        this.heartbeats = new Heartbeats(new Reporter(beats, names, identity, clock), runner, names.heartbeats(),
            () -> state);
        heartbeats.start(config.heartbeatInterval());
        KafkaConsumer<byte[], byte[]> taskConsumer = new KafkaConsumer<>(config.consumerProperties(),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Deserializer<TaskEvent> events = topics.tasks(config.queues().get(0)).valueSerde().deserializer();
        this.loop = new TaskLoop(taskConsumer, transactions, events, runner, reporter,
            names.taskTopics(), new LanePicker(topic -> names.laneOf(topic).orElse(Lane.NORMAL),
                config.lowerLaneEvery()),
            letter -> DeadLetterSink.count(metrics.registry(), "agent", letter));
        loopRef[0] = loop;
        this.commands = new CommandListener(commandConsumer(config.consumerProperties(), config.agentId()),
            topics.agentCommands().valueSerde().deserializer(), names.agentCommands(), List.of(config.agentId()),
            this::onCommand, (record, e) -> {
                LOG.error("Dead-lettering the command record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
                DeadLetter letter = e.at(record).toDeadLetter("agent " + config.agentId(), clock.instant());
                reporter.send(reporter.record(record.key(), letter), "dead letter of a command");
                DeadLetterSink.count(metrics.registry(), "agent", letter);
            });
        metrics.bind(taskConsumer);
        metrics.bind(reports);
        this.http = AppEndpoints.start(config.http(), this::health, metrics, Map.of());
    }

    private Producer<byte[], IndexedRecord> producer(SchemaRegistryClient registry, boolean autoRegister,
                                                      String role, String transactionalId) {
        Map<String, Object> props = new TreeMap<>(config.producerProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.agentId() + "-" + role);
        if (transactionalId != null) {
            // one id per agent: a restarted agent fences its former self's unfinished transaction
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            // a transaction left open by a killed agent holds back every read_committed reader of its partitions
            // (the supervisor, the other agents) until it times out: keep that short (ours last milliseconds)
            props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        }
        return new KafkaProducer<>(props, new ByteArraySerializer(),
            new AvroSerializer<>(registry, autoRegister, false));
    }

    /** A consumer without a group for the commands topic: {@code consumerProperties} less the group settings. */
    public static KafkaConsumer<byte[], byte[]> commandConsumer(Map<String, Object> consumerProperties,
                                                                 String clientIdPrefix) {
        Map<String, Object> props = new TreeMap<>(consumerProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        props.remove(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-commands");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts an agent; it runs until {@link #stop} or a RESTART command, then {@link #awaitExit} returns. */
    public static Agent start(AgentConfig config, Clock clock) {
        Agent agent = new Agent(config, clock);
        agent.commands.start("commands");
        new Thread(() -> {
            agent.state = AgentState.RUNNING;
            agent.loop.run();
            agent.shutDown();
        }, "agent-loop").start();
        LOG.info("Agent {} started: {} slot(s), queues {}, HTTP on {}", config.agentId(), config.concurrency(),
            config.queues(), agent.http.url());
        return agent;
    }

    private void onCommand(AgentCommand command) {
        Long target = command.getTargetIncarnation();
        if (target != null && target != config.incarnation()) {
            LOG.info("Ignoring {} {} meant for incarnation {} (this is {})", command.getType(),
                command.getCommandId(), target, config.incarnation());
            return;
        }
        switch (command.getType()) {
            case CANCEL_TASK -> {
                boolean found = runner.cancel(command.getTaskId(), command.getAttempt(), command.getReason());
                LOG.info("CANCEL_TASK {} attempt {}: {}", command.getTaskId(), command.getAttempt(),
                    found ? "stopping it" : "not running here");
            }
            case DRAIN -> {
                LOG.info("DRAIN ({}): taking no new tasks", command.getReason());
                state = AgentState.DRAINING;
                loop.drain();
            }
            case RESTART -> {
                LOG.info("RESTART ({}): stopping with exit code {}", command.getReason(),
                    AgentExit.RESTART_REQUESTED.code());
                stop(AgentExit.RESTART_REQUESTED);
            }
            default -> LOG.warn("Ignoring command {} of unknown type {}", command.getCommandId(), command.getType());
        }
    }

    /** Begins the graceful stop; {@link #awaitExit} returns when it is done. */
    public void stop(AgentExit why) {
        if (exit.compareAndSet(null, why)) {
            state = AgentState.STOPPING;
            loop.stop();
        }
    }

    /** Runs on the loop thread after the loop ended: finish or release the running tasks, then close. */
    private void shutDown() {
        TaskLoop.End end = TaskLoop.End.STOPPED;
        try {
            end = loop.awaitEnd();
            state = AgentState.STOPPING;
            Duration grace = config.shutdownGrace();
            if (!runner.awaitIdle(grace)) {
                LOG.info("Releasing {} task(s) still running after the {} ms grace period",
                    config.concurrency() - runner.freeSlots(), grace.toMillis());
                runner.releaseAll("agent " + config.agentId() + " is stopping");
            }
            heartbeats.close();
            heartbeats.beat();
            reports.flush();
            beats.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeAll();
            AgentExit outcome = switch (end) {
                case FENCED -> AgentExit.FENCED;
                case FAILED -> AgentExit.FAILED;
                case STOPPED -> exit.get() == null ? AgentExit.STOPPED : exit.get();
            };
            LOG.info("Agent {} stopped: {}", config.agentId(), outcome);
            exited.complete(outcome);
        }
    }

    private void closeAll() {
        commands.stop();
        runner.close();
        http.close();
        transactions.close(Duration.ofSeconds(5));
        reports.close(Duration.ofSeconds(5));
        beats.close(Duration.ofSeconds(5));
        metrics.close();
    }

    public AgentExit awaitExit() {
        return exited.join();
    }

    public Health health() {
        AgentState now = state;
        return new Health(now == AgentState.RUNNING, !exited.isDone(), now.name());
    }

    public String agentId() {
        return config.agentId();
    }

    public String httpUrl() {
        return http.url();
    }
}
