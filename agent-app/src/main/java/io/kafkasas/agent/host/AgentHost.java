package io.kafkasas.agent.host;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.agent.AgentMain;
import io.kafkasas.agent.run.CommandListener;
import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.AppMetrics;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.Health;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.avro.AgentCommand;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.HostSlot;
import io.kafkasas.avro.HostSlotState;
import io.kafkasas.avro.HostState;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.serde.RecordViews;
import io.kafkasas.schemas.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a host's agents as child processes and keeps them alive, as a kubelet keeps containers: an agent that
 * ends is started again after a back-off ({@link RestartBackoff}) with a new incarnation; a RESTART command for
 * the running incarnation is carried out with SIGTERM, then SIGKILL after a grace period (at once for a
 * stopped process, which cannot act on SIGTERM); a heartbeat on {@code host-heartbeats} says what runs where.
 * Slot state changes only on the single {@code host} thread.
 */
public final class AgentHost {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHost.class);
    private static final String VERSION = AgentHost.class.getPackage().getImplementationVersion();

    private final HostConfig config;
    private final Clock clock;
    private final List<Slot> slots = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r,
        "host"));
    private final Producer<String, HostHeartbeat> heartbeats;
    private final String heartbeatTopic;
    private final CommandListener commands;
    private final AppMetrics metrics = new AppMetrics("agent-host");
    private final Counter.Builder restartCounter = Counter.builder("sas.host.agent.restarts")
        .description("Agent processes started again after they ended");
    private final HttpApi http;
    private final AgentScrapes scrapes;
    private final AtomicLong sequence = new AtomicLong();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile HostHeartbeat last;
    private volatile boolean stopping;

    private AgentHost(HostConfig config, Clock clock) {
        this.config = config;
        this.scrapes = new AgentScrapes(config.http());
        this.clock = clock;
        for (int i = 1; i <= config.slots(); i++) {
            slots.add(new Slot(i, config.agentId(i), config.backoff()));
        }
        Topics topics = config.shared().topics();
        this.heartbeatTopic = topics.names().hostHeartbeats();
        Map<String, Object> props = new TreeMap<>(config.agent().producerProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.hostId() + "-host");
        this.heartbeats = new KafkaProducer<>(props, new StringSerializer(),
            topics.hostHeartbeats().valueSerde().serializer());
        this.commands = new CommandListener(Agent.commandConsumer(config.agent().consumerProperties(),
            config.hostId() + "-host"), topics.agentCommands().valueSerde().deserializer(),
            topics.names().agentCommands(), slots.stream().map(Slot::agentId).toList(),
            c -> thread.execute(() -> onCommand(c)),
            (record, e) -> LOG.debug("Skipping an undecodable command; its agent dead-letters it: {}", e.getMessage()));
        metrics.bind(heartbeats);
        for (HostSlotState state : HostSlotState.values()) {
            Gauge.builder("sas.host.agents", () -> count(state)).tag("state", state.name())
                .description("Agent slots of this host by state").register(metrics.registry());
        }
        // at zero from the start, so that dashboards and alerts see the series before the first restart
        slots.forEach(slot -> restartCounter.tag("agent", slot.agentId()).register(metrics.registry()));
        this.http = AppEndpoints.start(config.http(), this::health, this::scrape, Map.of("/slots",
            AppEndpoints.readOnly(exchange -> Response.json(200, Map.of("hostId", config.hostId(),
                "slots", slotViews())))));
    }

    /** Starts the host: every slot's agent, the command listener and the heartbeat. */
    public static AgentHost start(HostConfig config, Clock clock) {
        AgentHost host = new AgentHost(config, clock);
        host.commands.start("host-commands");
        host.slots.forEach(s -> host.thread.execute(() -> host.launch(s)));
        host.thread.scheduleAtFixedRate(host::beat, 0, config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Agent host {} started: {} agent(s), HTTP on {}", config.hostId(), config.slots(), host.http.url());
        return host;
    }

    private void launch(Slot slot) {
        if (stopping) {
            return;
        }
        long incarnation = slot.nextIncarnation(clock.instant());
        Map<String, String> env = new HashMap<>();
        config.environment().forEach((k, v) -> {
            if (k.startsWith(ConfigSource.ENV_PREFIX)) {
                env.put(k, v);
            }
        });
        env.put(ConfigSource.envNameOf(AgentConfig.AGENT_ID), slot.agentId());
        env.put(ConfigSource.envNameOf(AgentConfig.HOST_ID), config.hostId());
        env.put(ConfigSource.envNameOf(AgentConfig.INCARNATION), Long.toString(incarnation));
        env.put(ConfigSource.envNameOf(AgentConfig.PARENT_PID), Long.toString(ProcessHandle.current().pid()));
        Password tokens = config.shared().getPassword(HttpAuth.TOKENS);
        env.put(ConfigSource.envNameOf(HttpAuth.TOKENS), scrapes.agentTokens(tokens == null ? null : tokens.value()));
        env.put(ConfigSource.envNameOf(HttpSettings.PORT),
            Integer.toString(scrapes.portFor(slot.agentId(), config.agentHttpPort(slot.number()),
                config.http().host())));
        Path logDir = config.agentLogDir();
        try {
            ChildJvm child = ChildJvm.start(AgentMain.class.getName(), config.agentJvmOptions(),
                config.configFile() == null ? List.of() : List.of(config.configFile().toString()), env,
                logDir == null ? null : logDir.resolve("agent-" + slot.number() + ".log"));
            slot.started(child, incarnation, clock.instant());
            LOG.info("Started agent {} (incarnation {}, pid {})", slot.agentId(), incarnation, child.pid());
            child.process().onExit().thenRunAsync(() -> ended(slot, child), thread);
        } catch (IOException e) {
            LOG.error("Cannot start agent {}: {}", slot.agentId(), e.toString());
            restartLater(slot, -1);
        }
    }

    private void ended(Slot slot, ChildJvm child) {
        if (slot.process() != child) {
            return;
        }
        int code = child.process().exitValue();
        if (stopping) {
            slot.retired(code, clock.instant());
        } else {
            if (code == AgentExit.FENCED.code()) {
                // restarted all the same: a coordinator that aborts a transaction on its own can fence it too, and an
                // agent left down stalls its share of the work; a real clash shows as fencing over and over
                LOG.error("Agent {} was fenced: if this repeats, another process runs this agent id (two hosts with"
                    + " host id {}?); give every host its own agent.host.id", slot.agentId(), config.hostId());
            }
            restartLater(slot, code);
        }
        beat();
    }

    private void restartLater(Slot slot, int exitCode) {
        Duration wait = slot.ended(exitCode, clock.instant());
        restartCounter.tag("agent", slot.agentId()).register(metrics.registry()).increment();
        LOG.warn("Agent {} ended with exit code {}; starting it again in {} ms", slot.agentId(), exitCode,
            wait.toMillis());
        thread.schedule(() -> launch(slot), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onCommand(AgentCommand command) {
        if (command.getType() != AgentCommandType.RESTART) {
            return; // the agent carries out the others itself
        }
        Slot slot = slots.stream().filter(s -> s.agentId().equals(command.getAgentId())).findFirst().orElse(null);
        Long target = command.getTargetIncarnation();
        if (slot == null || slot.state() != HostSlotState.RUNNING
            || target != null && target != slot.incarnation()) {
            LOG.info("Ignoring RESTART {} for {} incarnation {}: that process is no longer running",
                command.getCommandId(), command.getAgentId(), target);
            return;
        }
        ChildJvm child = slot.process();
        slot.stopping();
        boolean suspended = child.isSuspended();
        LOG.warn("RESTART of {} (incarnation {}, pid {}): {}; {}", slot.agentId(), slot.incarnation(), child.pid(),
            command.getReason(), suspended ? "it is stopped (SIGSTOP), killing it" : "SIGTERM, SIGKILL after "
                + config.restartGrace().toMillis() + " ms");
        if (suspended) {
            child.process().destroyForcibly();
        } else {
            child.process().destroy();
            thread.schedule(() -> child.process().destroyForcibly(), config.restartGrace().toMillis(),
                TimeUnit.MILLISECONDS);
        }
        beat();
    }

    private void beat() {
        HostState state = stopped.isDone() ? HostState.STOPPED : stopping ? HostState.STOPPING : HostState.RUNNING;
        HostHeartbeat heartbeat = HostHeartbeat.newBuilder().setHostId(config.hostId())
            .setSequence(sequence.incrementAndGet()).setTimestamp(clock.instant()).setState(state)
            .setPid(ProcessHandle.current().pid()).setSlots(slots.stream().map(Slot::view).toList())
            .setVersion(VERSION).build();
        last = heartbeat;
        heartbeats.send(new ProducerRecord<>(heartbeatTopic, config.hostId(), heartbeat), (metadata, error) -> {
            if (error != null) {
                LOG.warn("Host heartbeat not sent: {}", error.toString());
            }
        });
    }

    /**
     * The graceful stop: SIGTERM to every agent (each finishes or releases its tasks within its shutdown grace),
     * SIGKILL to those still running after {@link HostConfig#stopTimeout}, a last heartbeat saying STOPPED.
     */
    public void stop() {
        try {
            thread.submit(() -> {
                stopping = true;
                slots.stream().filter(s -> s.process() != null).forEach(s -> {
                    s.stopping();
                    s.process().process().destroy();
                });
                beat();
            }).get();
            long deadline = System.nanoTime() + config.stopTimeout().toNanos();
            for (Slot slot : slots) {
                ChildJvm child = slot.process();
                if (child != null && !child.process().waitFor(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS)) {
                    LOG.warn("Agent {} did not stop within {}; killing it", slot.agentId(), config.stopTimeout());
                    child.process().destroyForcibly().waitFor();
                }
            }
            thread.submit(() -> slots.forEach(s -> s.retired(null, clock.instant()))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("Stopping the agents failed", e.getCause());
        } finally {
            shutDown();
        }
    }

    private void shutDown() {
        commands.stop();
        thread.shutdownNow();
        stopped.complete(null);
        beat();
        heartbeats.close(Duration.ofSeconds(5));
        http.close();
        metrics.close();
        LOG.info("Agent host {} stopped", config.hostId());
    }

    public void awaitStop() {
        stopped.join();
    }

    public Health health() {
        return new Health(!stopping, !stopped.isDone(), stopping ? "STOPPING" : "RUNNING");
    }

    private long count(HostSlotState state) {
        HostHeartbeat now = last;
        return now == null ? 0 : now.getSlots().stream().filter(s -> s.getState() == state).count();
    }

    /** The host's metrics and its running agents', each agent's series labelled with its id. */
    private String scrape() {
        HostHeartbeat now = last;
        List<String> running = now == null ? List.of() : now.getSlots().stream()
            .filter(s -> s.getState() == HostSlotState.RUNNING).map(HostSlot::getAgentId).toList();
        return scrapes.scrape(metrics.scrape(), running);
    }

    private List<Map<String, Object>> slotViews() {
        HostHeartbeat now = last;
        return now == null ? List.of() : now.getSlots().stream().map(RecordViews::of).toList();
    }
}
