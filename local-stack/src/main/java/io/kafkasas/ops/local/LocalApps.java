package io.kafkasas.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.agent.AgentAppMain;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpTls;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.dashboard.DashboardMain;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.scheduler.SchedulerMain;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.tls.TlsContexts;
import io.kafkasas.supervisor.SupervisorMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The kafka-sas apps of the local stack, each a process of its own as in production: the scheduler and the
 * supervisor (HTTP on free ports) and an agent host running N agents ({@code local-1} ...) as its child processes,
 * all reading {@code local.properties}, logs under {@code <dir>/logs}.
 */
public final class LocalApps implements AutoCloseable {

    /** Commands the demo's shell tasks may run. */
    public static final String SHELL_ALLOW_LIST = "echo,uname,date,hostname";
    /** What each of them may be given: options that print, never a file to read or a name to set. */
    static final Map<String, String> SHELL_ARGUMENT_RULES = Map.of(
        "SAS_HANDLER_SHELL_ARGS_UNAME", "-[asnrvmpio]+", "SAS_HANDLER_SHELL_ARGS_DATE", "[+][A-Za-z%:., -]*|-u|-R",
        "SAS_HANDLER_SHELL_ARGS_HOSTNAME", "-[sfdiIA]");
    /** How each app's JVM runs locally: small heaps, one GC thread, for a 2-core machine. */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback-app.xml");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** How long an agent of the host may take to run again before it counts as left down. */
    private static final Duration AGENT_RETURN = Duration.ofSeconds(60);
    /** Not the common pool: it has a single thread on 2 cores, and each wait blocks. */
    private static final ExecutorService READY_WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-apps-ready");
        t.setDaemon(true);
        return t;
    });

    private final App scheduler;
    /** The first supervisor instance: the one whose address the stack's settings name. */
    private final App supervisor;
    private final List<App> supervisors;
    private int nextSupervisorCrash;
    /** Null with no agents. */
    private final App host;
    private final List<App> all;
    /** Null until {@link #startDashboard} started it. */
    private volatile App dashboard;
    /** The operator's {@code Authorization} header, or null when the settings give no token. */
    private final String authorization;
    /** A client that trusts the apps' certificates when they serve HTTPS. */
    private final HttpClient http;

    /** One app: how to start its process (again), and where it answers. */
    private static final class App {
        private final String name;
        private final String mainClass;
        private final List<String> args;
        private final Map<String, String> env;
        private final Path log;
        private final String url;
        private ChildJvm process;
        private long startedAt;
        private volatile long readyAfterMs = -1;

        private final HttpClient http;

        App(String name, String mainClass, List<String> args, Map<String, String> env, Path log, String scheme,
            int port, HttpClient http) {
            this.name = name;
            this.mainClass = mainClass;
            this.args = args;
            this.env = env;
            this.log = log;
            this.url = scheme + "://127.0.0.1:" + port;
            this.http = http;
        }

        void start() throws IOException {
            startedAt = System.nanoTime();
            readyAfterMs = -1;
            process = ChildJvm.start(mainClass, JVM_OPTIONS, args, env, log);
        }

        void awaitReady() {
            LocalApps.awaitReady(http, process, url, name);
            if (readyAfterMs < 0) { // the first time since it started
                readyAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
            }
        }

        void stop() {
            if (process != null) {
                process.stop(STOP_TIMEOUT.multipliedBy(2));
            }
        }

        /** {@code kill -9}, then the same process again; returns once it runs, not once it is ready. */
        void crash() throws IOException {
            ChildJvm.signal("KILL", process.pid());
            try {
                process.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while killing the " + name, e);
            }
            start();
        }

        /** SIGTERM (it shuts down gracefully), then the same process again; returns once it is ready. */
        void restart() throws IOException {
            stop();
            start();
            awaitReady();
        }
    }

    private LocalApps(App scheduler, List<App> supervisors, App host, String authorization, HttpClient http) {
        this.authorization = authorization;
        this.http = http;
        this.scheduler = scheduler;
        this.supervisor = supervisors.get(0);
        this.supervisors = supervisors;
        this.host = host;
        List<App> apps = new ArrayList<>(List.of(scheduler));
        apps.addAll(supervisors);
        if (host != null) {
            apps.add(host);
        }
        this.all = List.copyOf(apps);
    }

    /** The id of the local agent host; its agents are {@code local-1} ... */
    public static final String HOST_ID = "local";

    /**
     * Starts the scheduler, the supervisor and a host of {@code agentCount} agents (none for 0: benchmarks that
     * simulate agents); waits until all are ready.
     */
    public static LocalApps start(Path dir, Path settings, int agentCount) throws IOException {
        return start(dir, settings, agentCount, Map.of(), 1);
    }

    /**
     * As {@link #start(Path, Path, int)}, with {@code agentEnv} ({@code SAS_*} variables) for the agents too, and
     * {@code supervisorCount} supervisor instances. Two or more keep a standby replica of every store and leave a
     * killed instance's partitions after a 6 s session (Kafka's default is 45 s), as docs/supervisor.md advises.
     */
    public static LocalApps start(Path dir, Path settings, int agentCount, Map<String, String> agentEnv,
                                  int supervisorCount) throws IOException {
        List<String> args = List.of(settings.toAbsolutePath().toString());
        Map<String, String> given = ConfigSource.load(settings, Map.of());
        HttpClient http = client(given);
        String scheme = given.getOrDefault(HttpTls.KEYSTORE_LOCATION, "").isEmpty() ? "http" : "https";
        int schedulerPort = KafkaCluster.freePort();
        Map<String, String> schedulerEnv = new HashMap<>(Map.of("SAS_HTTP_PORT", Integer.toString(schedulerPort),
            "SAS_STREAMS_STATE_DIR", stateDir(dir, "scheduler").toAbsolutePath().toString()));
        schedulerEnv.putAll(ownPrincipal(dir, "scheduler", given));
        App scheduler = new App("scheduler", SchedulerMain.class.getName(), args, schedulerEnv,
            dir.resolve("logs/scheduler.log"), scheme, schedulerPort, http);
        List<App> supervisors = new ArrayList<>();
        for (int i = 1; i <= supervisorCount; i++) {
            String name = i == 1 ? "supervisor" : "supervisor-" + i;
            int port = KafkaCluster.freePort();
            Map<String, String> env = new HashMap<>(Map.of("SAS_HTTP_PORT", Integer.toString(port),
                "SAS_STREAMS_STATE_DIR", stateDir(dir, name).toAbsolutePath().toString()));
            env.putAll(ownPrincipal(dir, "supervisor", given));
            if (supervisorCount > 1) {
                env.putAll(Map.of("SAS_STREAMS_NUM_STANDBY_REPLICAS", "1", "SAS_STREAMS_SESSION_TIMEOUT_MS", "6000",
                    "SAS_STREAMS_HEARTBEAT_INTERVAL_MS", "1000"));
            }
            supervisors.add(new App(name, SupervisorMain.class.getName(), args, env,
                dir.resolve("logs/" + name + ".log"), scheme, port, http));
        }
        int hostPort = KafkaCluster.freePort();
        Map<String, String> hostEnv = new HashMap<>(Map.of("SAS_AGENT_HOST_ID", HOST_ID,
            "SAS_HOST_AGENTS", Integer.toString(agentCount), "SAS_HOST_HTTP_PORT", Integer.toString(hostPort),
            "SAS_HOST_AGENT_JVM_OPTIONS", String.join(",", JVM_OPTIONS),
            "SAS_HOST_AGENT_LOG_DIR", dir.resolve("logs").toAbsolutePath().toString(),
            "SAS_HANDLER_SHELL_ALLOWED_COMMANDS", SHELL_ALLOW_LIST));
        hostEnv.putAll(SHELL_ARGUMENT_RULES);
        hostEnv.putAll(ownPrincipal(dir, "agent", given));
        hostEnv.putAll(agentEnv);
        App host = agentCount == 0 ? null : new App("agent host", AgentAppMain.class.getName(),
            List.of("host", args.get(0)), hostEnv, dir.resolve("logs/agent-host.log"), scheme, hostPort, http);
        String token = given.get(CtlConfig.TOKEN);
        LocalApps apps = new LocalApps(scheduler, supervisors, host, token == null ? null : Wire.bearer(token), http);
        try {
            for (App app : apps.all) {
                app.start();
            }
            apps.awaitReady();
            // so that 'sasctl --config <settings>' finds the apps' free ports
            addSettings(settings, Map.of(CtlConfig.SCHEDULER_URL, scheduler.url, CtlConfig.SUPERVISOR_URL,
                supervisors.get(0).url));
            return apps;
        } catch (CompletionException e) {
            apps.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } catch (IOException | RuntimeException e) {
            apps.close();
            throw e;
        }
    }

    /** A client for the apps: trusting {@code settings}' truststore when they serve HTTPS. */
    private static HttpClient client(Map<String, String> settings) {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        String truststore = settings.getOrDefault(HttpTls.TRUSTSTORE_LOCATION, "");
        return truststore.isEmpty() ? client.build() : client.sslContext(TlsContexts.of(null, new TlsContexts.Store(
            truststore, "PKCS12", settings.get(HttpTls.TRUSTSTORE_PASSWORD), null), HttpTls.TRUSTSTORE_LOCATION))
            .build();
    }

    /** The client the stack's own tools call the apps with. */
    public HttpClient http() {
        return http;
    }

    /** On a secured stack: the variable that gives {@code app} its own Kafka principal, not the admin's. */
    private static Map<String, String> ownPrincipal(Path dir, String app, Map<String, String> settings) {
        return LocalKafkaUsers.jaasOf(dir, app, settings).map(jaas -> Map.of(ConfigSource.envNameOf(
            SasConfig.KAFKA_PREFIX + SaslConfigs.SASL_JAAS_CONFIG), jaas)).orElse(Map.of());
    }

    private static void awaitReady(HttpClient http, ChildJvm app, String url, String name) {
        HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/health"))
            .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!app.isAlive()) {
                throw new IllegalStateException("The " + name + " exited with code " + app.process().exitValue()
                    + "; " + app.log() + " ends with:\n" + app.tail(20));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the " + name, e);
            }
            pause(app);
        }
        throw new IllegalStateException("The " + name + " was not ready within " + READY_TIMEOUT.toSeconds()
            + " s; see " + app.log());
    }

    private static void pause(ChildJvm app) {
        try {
            app.process().waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void addSettings(Path file, Map<String, String> added) throws IOException {
        Map<String, String> settings = ConfigSource.load(file, Map.of());
        settings.putAll(added);
        LocalStack.writeSettings(file, settings);
    }

    /** Where the supervisor of the stack in {@code dir} keeps its Kafka Streams state. */
    public static Path supervisorStateDir(Path dir) {
        return stateDir(dir, "supervisor");
    }

    private static Path stateDir(Path dir, String app) {
        return dir.resolve(app + "-state");
    }

    /** Milliseconds from each app's process start until its health check first answered 200 (-1 if not yet). */
    public Map<String, Long> readyAfterMs() {
        Map<String, Long> ready = new LinkedHashMap<>();
        for (App app : all) {
            ready.put(app.name, app.readyAfterMs);
        }
        return ready;
    }

    /** The operator's {@code Authorization} header (null if the settings give no token). */
    public String authorization() {
        return authorization;
    }

    /** {@code request} with the operator's credential, for the stack's own tools (demo, benchmarks, chaos). */
    public HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return authorization == null ? request : request.header(Wire.AUTHORIZATION, authorization);
    }

    public String schedulerUrl() {
        return scheduler.url;
    }

    public ChildJvm scheduler() {
        return scheduler.process;
    }

    public String supervisorUrl() {
        return supervisor.url;
    }

    public ChildJvm supervisor() {
        return supervisor.process;
    }

    public ChildJvm host() {
        return host.process;
    }

    /** The agent host's HTTP address: {@code GET /slots} lists its agents, their pids and restarts. */
    public String hostUrl() {
        return host.url;
    }

    public void restartScheduler() throws IOException {
        scheduler.restart();
    }

    public void restartSupervisor() throws IOException {
        supervisor.restart();
    }

    /** Returns once every app answers ready; waits in parallel, so that each app's start-up time is its own. */
    public void awaitReady() {
        CompletableFuture.allOf(all.stream().map(app -> CompletableFuture.runAsync(app::awaitReady, READY_WAITERS))
            .toArray(CompletableFuture[]::new)).join();
    }

    /** {@code kill -9} of the scheduler, then started again; returns at once. */
    public void crashScheduler() throws IOException {
        scheduler.crash();
    }

    /** {@code kill -9} of a supervisor instance (each in turn, when there are several), then started again. */
    public void crashSupervisor() throws IOException {
        supervisors.get(nextSupervisorCrash++ % supervisors.size()).crash();
    }

    /** The name of the supervisor instance that {@link #crashSupervisor} crashes next. */
    public String nextSupervisorToCrash() {
        return supervisors.get(nextSupervisorCrash % supervisors.size()).name;
    }


    /**
     * What is left down: the scheduler, a supervisor or the host not ready, or an agent of the host not RUNNING
     * within {@link #AGENT_RETURN} (an agent killed a moment ago may be waiting out its restart back-off, which
     * doubles up to 30 s by default); each says why.
     */
    public List<String> notRunning() throws IOException {
        List<String> down = new ArrayList<>();
        try {
            awaitReady();
        } catch (RuntimeException e) {
            down.add(e.getMessage());
        }
        long giveUp = System.nanoTime() + AGENT_RETURN.toNanos();
        List<String> agentsDown = agentsNotRunning();
        while (!agentsDown.isEmpty() && System.nanoTime() < giveUp) {
            pause(host.process);
            agentsDown = agentsNotRunning();
        }
        down.addAll(agentsDown);
        return down;
    }

    private List<String> agentsNotRunning() throws IOException {
        List<String> down = new ArrayList<>();
        for (JsonNode slot : slots()) {
            if (!"RUNNING".equals(slot.get("state").asText())) {
                down.add(slot.get("agentId").asText() + " " + slot.get("state").asText());
            }
        }
        return down;
    }

    /** The host's agent slots ({@code GET /slots}): agent id, state, incarnation, pid, restarts, last exit code. */
    public JsonNode slots() throws IOException {
        if (host == null) {
            return HttpApi.JSON.createArrayNode();
        }
        JsonNode answer = get(host.url + "/slots");
        if (!answer.has("slots")) {
            throw new IOException("The agent host's /slots answered " + answer);
        }
        return answer.get("slots");
    }

    /** The supervisor's answer to {@code GET <path>} (e.g. {@code /tasks/<id>}), as JSON. */
    public JsonNode askSupervisor(String path) throws IOException {
        return get(supervisor.url + path);
    }

    private JsonNode get(String url) throws IOException {
        try {
            HttpResponse<String> answer = http.send(
                authorized(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))).build(),
                HttpResponse.BodyHandlers.ofString());
            return HttpApi.JSON.readTree(answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking " + url, e);
        }
    }

    /**
     * Starts the dashboard of this stack ({@code settings} as the others read them); returns once it answers. It
     * reaches the apps at their addresses and Kafka with the settings' credentials, as sasctl does.
     */
    public String startDashboard(Path dir, Path settings) throws IOException {
        Map<String, String> given = ConfigSource.load(settings, Map.of());
        int port = KafkaCluster.freePort();
        App app = new App("dashboard", DashboardMain.class.getName(), List.of(settings.toAbsolutePath().toString()),
            Map.of("SAS_HTTP_PORT", Integer.toString(port), ConfigSource.envNameOf(CtlConfig.SCHEDULER_URL),
                scheduler.url, ConfigSource.envNameOf(CtlConfig.SUPERVISOR_URL), supervisor.url),
            dir.resolve("logs/dashboard.log"), given.getOrDefault(HttpTls.KEYSTORE_LOCATION, "").isEmpty() ? "http"
                : "https", port, http);
        dashboard = app;
        app.start();
        app.awaitReady();
        return app.url;
    }

    /** The dashboard's address, or null if it was not started. */
    public String dashboardUrl() {
        App app = dashboard;
        return app == null ? null : app.url;
    }

    /** Stops the dashboard and the agent host (its agents release their tasks), then the scheduler and supervisor. */
    @Override
    public void close() {
        if (dashboard != null) {
            dashboard.stop();
        }
        if (host != null) {
            host.stop();
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>(List.of(CompletableFuture.runAsync(scheduler::stop)));
        supervisors.forEach(app -> stops.add(CompletableFuture.runAsync(app::stop)));
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }
}
