package io.kafkasas.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka cluster in KRaft mode, run in this JVM from the Apache Kafka jars: one or more nodes,
 * each both broker and controller, listening on 127.0.0.1 only. Transactions work on one node (the
 * replication factors of internal topics follow the node count), so exactly-once apps run on it.
 *
 * <p>Nodes can be stopped and started again with their data ({@link #stopNode}, {@link #startNode}), which is
 * what replication and broker-restart tests need. The data lives under the directory given, so a cluster
 * started again on the same directory keeps its topics.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int nodeCount;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    /** With {@link #security}: the mTLS listener's. */
    private final int[] tlsPorts;
    private final Map<String, String> overrides;
    private final ClusterSecurity security;
    private final KafkaRaftServer[] servers;

    private KafkaCluster(Path dataDir, int nodeCount, int[] brokerPorts, int[] controllerPorts,
                         Map<String, String> overrides, ClusterSecurity security) {
        this.dataDir = dataDir;
        this.nodeCount = nodeCount;
        this.brokerPorts = brokerPorts;
        this.controllerPorts = controllerPorts;
        this.overrides = Map.copyOf(overrides);
        this.security = security;
        this.tlsPorts = new int[nodeCount];
        for (int i = 0; i < nodeCount && security != null; i++) {
            tlsPorts[i] = freePort();
        }
        this.servers = new KafkaRaftServer[nodeCount];
    }

    /**
     * Formats (if new) and starts a cluster of {@code nodeCount} nodes under {@code dataDir}, and waits until
     * it answers. {@code firstPort} 0 picks free ports; otherwise node i listens on {@code firstPort + 2i} and
     * its controller on the port after. {@code overrides} are broker properties that win over the defaults.
     */
    public static KafkaCluster start(Path dataDir, int nodeCount, int firstPort, Map<String, String> overrides) {
        return start(dataDir, nodeCount, firstPort, overrides, null);
    }

    /**
     * As above, secured by {@code security} (null: plaintext, no authorizer): {@link #bootstrapServers} is then the
     * SASL_SSL listener, {@link #tlsBootstrapServers} the mTLS one.
     */
    public static KafkaCluster start(Path dataDir, int nodeCount, int firstPort, Map<String, String> overrides,
                                     ClusterSecurity security) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("A cluster needs at least one node, not " + nodeCount);
        }
        int[] brokerPorts = new int[nodeCount];
        int[] controllerPorts = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            brokerPorts[i] = firstPort == 0 ? freePort() : firstPort + 2 * i;
            controllerPorts[i] = firstPort == 0 ? freePort() : firstPort + 2 * i + 1;
        }
        KafkaCluster cluster = new KafkaCluster(dataDir, nodeCount, brokerPorts, controllerPorts, overrides,
            security);
        Instant begin = Instant.now();
        String clusterId = Uuid.randomUuid().toString();
        try {
            for (int node = 0; node < nodeCount; node++) {
                cluster.format(node, clusterId);
            }
            cluster.startAll();
            cluster.awaitReady(nodeCount);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Kafka cluster of {} node(s) ready at {} in {} ms (data in {})", nodeCount,
            cluster.bootstrapServers(), Duration.between(begin, Instant.now()).toMillis(), dataDir);
        return cluster;
    }

    /** A one-node cluster on free ports. */
    public static KafkaCluster startSingleNode(Path dataDir) {
        return start(dataDir, 1, 0, Map.of());
    }

    /** {@code host:port} of every node, as clients want it. */
    public String bootstrapServers() {
        return addresses(brokerPorts);
    }

    /** {@code host:port} of every node's mTLS listener (a secured cluster only). */
    public String tlsBootstrapServers() {
        if (security == null) {
            throw new IllegalStateException("A plaintext cluster has no mTLS listener");
        }
        return addresses(tlsPorts);
    }

    private static String addresses(int[] ports) {
        List<String> addresses = new ArrayList<>();
        for (int port : ports) {
            addresses.add("127.0.0.1:" + port);
        }
        return String.join(",", addresses);
    }

    public int nodeCount() {
        return nodeCount;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops node {@code node} (0-based) as a controlled shutdown; its data stays. */
    public void stopNode(int node) {
        KafkaRaftServer server;
        synchronized (this) {
            server = servers[node];
            servers[node] = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            LOG.info("Kafka node {} stopped", node + 1);
        }
    }

    /** Starts node {@code node} (0-based) again on its old ports and data. */
    public void startNode(int node) {
        synchronized (this) {
            if (servers[node] != null) {
                return;
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(nodeProperties(node), false), Time.SYSTEM);
        server.startup();
        synchronized (this) {
            servers[node] = server;
        }
    }

    /** Starts every node at once: a node's start-up waits for a controller quorum, which needs the others. */
    private void startAll() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int node = 0; node < nodeCount; node++) {
            int n = node;
            starts.add(CompletableFuture.runAsync(() -> startNode(n)));
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Waits until {@code expectedBrokers} brokers are registered and answering. */
    public void awaitReady(int expectedBrokers) {
        Properties props = new Properties();
        if (security != null) {
            props.putAll(security.adminClient());
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    int brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                    if (brokers >= expectedBrokers) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Cluster not ready yet: {}", e.toString());
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka cluster at " + bootstrapServers() + " did not have "
                        + expectedBrokers + " broker(s) ready within " + READY_TIMEOUT.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }

    /**
     * Stops every node at once: stopped one by one, the last nodes lose their controller quorum and each waits
     * out its controlled-shutdown time-out (minutes for a 3-node cluster).
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int node = 0; node < nodeCount; node++) {
            int n = node;
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    stopNode(n);
                } catch (RuntimeException e) {
                    LOG.warn("Kafka node {} did not stop cleanly: {}", n + 1, e.toString());
                }
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    }

    private Properties nodeProperties(int node) {
        Map<String, String> p = new TreeMap<>(BrokerDefaults.forCluster(nodeCount));
        p.put("node.id", Integer.toString(node + 1));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[node] + ",CONTROLLER://127.0.0.1:"
            + controllerPorts[node]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts[node]);
        p.put("controller.quorum.voters", voters());
        p.put("log.dirs", nodeDir(node).toString());
        if (security != null) {
            p.putAll(security.brokerProperties(brokerPorts[node], tlsPorts[node], controllerPorts[node]));
        }
        p.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(p);
        return properties;
    }

    private String voters() {
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        return String.join(",", voters);
    }

    private Path nodeDir(int node) {
        return dataDir.resolve("node-" + (node + 1));
    }

    private void format(int node, String clusterId) {
        if (Files.exists(nodeDir(node).resolve("meta.properties"))) {
            return; // formatted before: keep its cluster id and data
        }
        try {
            Files.createDirectories(nodeDir(node));
            Path config = dataDir.resolve("node-" + (node + 1) + ".properties");
            try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                nodeProperties(node).store(writer, "generated by kafka-sas for formatting");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
            if (security != null) {
                args.addAll(security.formatArguments());
            }
            int exit = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true,
                StandardCharsets.UTF_8));
            if (exit != 0) {
                throw new IllegalStateException("Formatting Kafka storage in " + nodeDir(node) + " failed (exit "
                    + exit + "): " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare Kafka data directory " + nodeDir(node), e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + bootstrapServers() + ", running nodes "
            + IntStream.range(0, nodeCount).filter(i -> servers[i] != null).mapToObj(i -> "" + (i + 1))
                .collect(Collectors.joining(",")) + "]";
    }
}
