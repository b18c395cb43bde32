package io.kafkasas.ops.local;

import io.kafkasas.app.HttpTls;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.topics.TopicProvisioner;
import io.kafkasas.kafka.ClusterSecurity;
import io.kafkasas.kafka.KafkaCluster;
import io.kafkasas.ops.registry.LocalSchemaRegistryServer;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Everything kafka-sas needs on one machine, started in order:
 * <ol>
 *   <li>a real Kafka broker (KRaft) as a child process, data under {@code <dir>/kafka};</li>
 *   <li>the local schema registry, journalled to {@code <dir>/registry.jsonl};</li>
 *   <li>every kafka-sas topic, provisioned with replication factor 1;</li>
 *   <li>{@code <dir>/http-tokens}: the HTTP credentials ({@link LocalTokens});</li>
 *   <li>{@code <dir>/local.properties}: the settings other processes (apps, CLI) use to join.</li>
 * </ol>
 * Started again on the same directory it keeps its topics, records and schemas.
 */
public final class LocalStack implements AutoCloseable {

    public static final int PREFERRED_KAFKA_PORT = 19092;
    public static final int PREFERRED_REGISTRY_PORT = 18081;
    /** For {@link #start}: any free port, not the preferred one (the stacks of benchmarks, chaos runs, tests). */
    public static final int ANY_FREE_PORT = -1;
    /** Starts of the broker on ports we chose, before giving up: a chosen port may be taken before the broker binds. */
    private static final int PORT_ATTEMPTS = 3;
    /** The settings file in the stack's directory, which every app of the stack reads. */
    public static final String SETTINGS_FILE = "local.properties";

    private final Path dir;
    private ChildBroker broker;
    private final LocalSchemaRegistryServer registry;
    private final List<TopicProvisioner.Result> topics;

    private LocalStack(Path dir, ChildBroker broker, LocalSchemaRegistryServer registry,
                       List<TopicProvisioner.Result> topics) {
        this.dir = dir;
        this.broker = broker;
        this.registry = registry;
        this.topics = topics;
    }

    /**
     * Starts the stack under {@code dir}; port 0 takes the preferred port if free, else any free one, and
     * {@link #ANY_FREE_PORT} never tries the preferred one.
     */
    public static LocalStack start(Path dir, int kafkaPort, int registryPort) throws IOException {
        return start(dir, kafkaPort, registryPort, false);
    }

    /**
     * As above; {@code secure}: the broker demands SASL_SSL (SCRAM-SHA-512) and an ACL, each app gets a principal
     * of its own ({@link LocalKafkaUsers}), and the settings file holds the cluster admin's credentials.
     */
    public static LocalStack start(Path dir, int kafkaPort, int registryPort, boolean secure) throws IOException {
        Files.createDirectories(dir);
        ClusterSecurity security = security(dir, secure);
        int kafka = kafkaPort > 0 ? kafkaPort
            : kafkaPort == ANY_FREE_PORT ? freePair() : choosePort(PREFERRED_KAFKA_PORT, 2);
        ChildBroker broker = null;
        for (int attempt = 1; broker == null; attempt++) {
            try {
                broker = ChildBroker.start(dir.resolve("kafka"), kafka, security);
            } catch (IllegalStateException e) {
                // a port we chose was taken between the look and the bind (another stack starting, or an outgoing
                // connection given it as its ephemeral port): other free ports
                if (kafkaPort > 0 || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                kafka = freePair();
            }
        }
        LocalSchemaRegistryServer registry = null;
        try {
            registry = startRegistry(dir.resolve("registry.jsonl"), registryPort);
            Map<String, String> settings = new TreeMap<>();
            settings.put(SasConfig.KAFKA_PREFIX + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers());
            settings.put(SchemaRegistryConfig.URL, registry.url());
            settings.put(ProvisioningConfig.REPLICATION_FACTOR, "1");
            if (security != null) {
                security.adminClient().forEach((k, v) -> settings.put(SasConfig.KAFKA_PREFIX + k, String.valueOf(v)));
                settings.putAll(https(security));
            }
            List<TopicProvisioner.Result> topics = provision(settings);
            if (security != null) {
                LocalKafkaUsers.apply(broker.adminProperties(), security, settings);
            }
            settings.putAll(LocalTokens.create(dir));
            writeSettings(dir.resolve(SETTINGS_FILE), settings);
            return new LocalStack(dir, broker, registry, topics);
        } catch (IOException | RuntimeException e) {
            closeQuietly(registry, broker);
            throw e;
        } catch (ExecutionException e) {
            closeQuietly(registry, broker);
            throw new IllegalStateException("Cannot provision the topics: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(registry, broker);
            throw new IllegalStateException("Interrupted while starting the local stack", e);
        }
    }

    /** The stack's security: made on the first secured start, kept after; a directory is secured or not for good. */
    private static ClusterSecurity security(Path dir, boolean secure) {
        boolean made = ClusterSecurity.exists(LocalKafkaUsers.securityDir(dir));
        boolean used = Files.exists(dir.resolve("kafka"));
        if (used && made != secure) {
            throw new IllegalArgumentException(dir + " holds a " + (made ? "secured" : "plaintext")
                + " stack: start it " + (made ? "with" : "without") + " --secure, or use another --dir");
        }
        if (!secure) {
            return null;
        }
        // the settings name its files, and the apps run in other directories
        Path at = LocalKafkaUsers.securityDir(dir).toAbsolutePath();
        return made ? ClusterSecurity.load(at) : ClusterSecurity.create(at);
    }

    /**
     * HTTPS for every app, with a certificate for 127.0.0.1 from the stack's CA (made at the first start), and the
     * trust the apps and sasctl need to call each other.
     */
    private static Map<String, String> https(ClusterSecurity security) {
        Path keystore = security.dir().resolve("http.p12");
        if (!Files.exists(keystore)) {
            security.issue("http");
        }
        String truststore = security.truststore().toString();
        return Map.of(HttpTls.KEYSTORE_LOCATION, keystore.toString(), HttpTls.KEYSTORE_PASSWORD,
            security.storePassword(), HttpTls.TRUSTSTORE_LOCATION, truststore, HttpTls.TRUSTSTORE_PASSWORD,
            security.storePassword(), CtlConfig.TRUSTSTORE_LOCATION, truststore, CtlConfig.TRUSTSTORE_PASSWORD,
            security.storePassword());
    }

    /** The preferred port may be taken between the look and the bind (another stack starting): then any port. */
    private static LocalSchemaRegistryServer startRegistry(Path journal, int port) throws IOException {
        if (port != 0) {
            return LocalSchemaRegistryServer.start(journal, Math.max(0, port)); // ANY_FREE_PORT: the OS picks
        }
        try {
            return LocalSchemaRegistryServer.start(journal, choosePort(PREFERRED_REGISTRY_PORT, 1));
        } catch (BindException e) {
            return LocalSchemaRegistryServer.start(journal, 0);
        }
    }

    /** Creates (or checks) every topic the settings name, as {@code sasctl topics create} does. */
    public static List<TopicProvisioner.Result> provision(Map<String, String> settings)
        throws ExecutionException, InterruptedException {
        ProvisioningConfig config = new ProvisioningConfig(settings);
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            return new TopicProvisioner(admin).provision(config.plan(), false);
        }
    }

    /** {@code preferred} (and the {@code count - 1} ports after it) if free, else free ones. */
    private static int choosePort(int preferred, int count) {
        if (IntStream.range(0, count).allMatch(i -> isFree(preferred + i))) {
            return preferred;
        }
        return count == 1 ? KafkaCluster.freePort() : freePair();
    }

    /** Two consecutive free ports: Kafka's and its controller's. */
    static int freePair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = KafkaCluster.freePort();
            if (port < 65535 && isFree(port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("No two consecutive free ports on 127.0.0.1 for Kafka and its controller");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code settings} as a properties file, as the apps and sasctl read it. */
    public static void writeSettings(Path file, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "kafka-sas local stack: pass this file to the apps and the CLI");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // already failing: the first error is the one to report
                }
            }
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Stops the broker gracefully and starts it again on the same port with its data kept. */
    public void restartBroker() throws IOException {
        int port = broker.port();
        broker.close();
        broker = ChildBroker.start(dir.resolve("kafka"), port, broker.security());
    }

    public long brokerPid() {
        return broker.pid();
    }

    public Path settingsFile() {
        return dir.resolve(SETTINGS_FILE);
    }

    public List<TopicProvisioner.Result> topics() {
        return topics;
    }

    @Override
    public void close() {
        closeQuietly(registry, broker);
    }
}
