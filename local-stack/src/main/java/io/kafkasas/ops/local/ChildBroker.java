package io.kafkasas.ops.local;

import io.kafkasas.app.ChildJvm;
import io.kafkasas.kafka.BrokerMain;
import io.kafkasas.kafka.ClusterSecurity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Kafka broker (one KRaft node) as a child process of ours, started from the same classpath with
 * {@link BrokerMain}: data under a directory of its own, output in {@code kafka.log} beside it. Stopped with
 * SIGTERM (a controlled shutdown), killed only if it does not stop in time.
 */
final class ChildBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final ChildJvm process;
    private final int port;
    /** Where the broker keeps its data: one directory per node, each with its meta.properties. */
    private final Path dataDir;

    /** Null for a plaintext broker. */
    private final ClusterSecurity security;

    private ChildBroker(ChildJvm process, int port, Path dataDir, ClusterSecurity security) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.security = security;
    }

    /** Starts the broker; with {@code security} (may be null) its clients need SASL_SSL and an ACL. */
    static ChildBroker start(Path dataDir, int port, ClusterSecurity security) throws IOException {
        Files.createDirectories(dataDir);
        List<String> args = new ArrayList<>(List.of(dataDir.resolve("data").toString(), Integer.toString(port)));
        if (security != null) {
            args.add(security.dir().toAbsolutePath().toString());
        }
        ChildJvm process = ChildJvm.start(BrokerMain.class.getName(),
            List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=logback-broker.xml"),
            args, Map.of(), dataDir.resolve("kafka.log"));
        ChildBroker broker = new ChildBroker(process, port, dataDir.resolve("data"), security);
        broker.awaitReady();
        return broker;
    }

    /** The broker's settings for its admin: the bootstrap servers, and the admin's credentials if secured. */
    Map<String, Object> adminProperties() {
        Map<String, Object> props = new HashMap<>(security == null ? Map.of() : security.adminClient());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    ClusterSecurity security() {
        return security;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    private void awaitReady() {
        Properties props = new Properties();
        props.putAll(adminProperties());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Kafka broker exited with code "
                        + process.process().exitValue() + " before it was ready; its log " + process.log()
                        + " ends with:\n" + process.tail(20));
                }
                try {
                    String answering = admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
                    // another stack's broker may hold the port (it was free when we looked): ours fails to bind
                    // and exits, and until then only our own cluster id counts as ready
                    if (answering.equals(clusterId())) {
                        return;
                    }
                    if (Instant.now().isAfter(deadline)) {
                        close();
                        throw new IllegalStateException("Another Kafka cluster (" + answering + ") answers on "
                            + bootstrapServers() + ", and ours did not start; see " + process.log());
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (ExecutionException | TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        close();
                        throw new IllegalStateException("The Kafka broker did not answer on " + bootstrapServers()
                            + " within " + READY_TIMEOUT.toSeconds() + " s; see " + process.log(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while starting Kafka", e);
        }
    }

    /** The cluster id our broker's storage was formatted with; null until it is. */
    private String clusterId() {
        try (Stream<Path> nodes = Files.list(dataDir)) {
            Path meta = nodes.map(n -> n.resolve("meta.properties")).filter(Files::exists).findFirst().orElse(null);
            if (meta == null) {
                return null;
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(meta)) {
                properties.load(reader);
            }
            return properties.getProperty("cluster.id");
        } catch (IOException e) {
            return null; // being written: asked again
        }
    }

    @Override
    public void close() {
        process.stop(STOP_TIMEOUT);
    }
}
