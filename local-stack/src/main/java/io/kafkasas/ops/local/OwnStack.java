package io.kafkasas.ops.local;

import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A stack of a command's own (bench, chaos): broker, registry, scheduler, supervisor and an agent host in
 * {@code dir}, on free ports, with the settings they all read; or the apps alone, on a cluster of one's own.
 */
public final class OwnStack implements AutoCloseable {

    /** Null on a cluster of one's own. */
    private final LocalStack stack;
    private final LocalApps apps;
    private final Path settings;
    private final SasConfig config;

    private OwnStack(LocalStack stack, LocalApps apps, Path settings, SasConfig config) {
        this.stack = stack;
        this.apps = apps;
        this.settings = settings;
        this.config = config;
    }

    /**
     * Starts it, saying so on {@code out}; {@code agents} 0 starts no host (for simulated agents). With a
     * {@code cluster} settings file, no broker or registry starts: the apps run against that cluster.
     */
    public static OwnStack start(PrintWriter out, String name, Path dir, Path cluster, int agents, int slots)
        throws IOException {
        return start(out, name, dir, cluster, agents, slots, 1);
    }

    /** As above, with {@code supervisors} supervisor instances. */
    public static OwnStack start(PrintWriter out, String name, Path dir, Path cluster, int agents, int slots,
                                 int supervisors) throws IOException {
        out.printf("Starting the %s stack under %s (%s; %s) ...%n", name, dir,
            cluster == null ? "local broker" : "cluster " + cluster, agents == 0 ? "no agents"
                : agents + " agents x " + slots + " slots");
        out.flush();
        LocalStack stack = cluster == null
            ? LocalStack.start(dir, LocalStack.ANY_FREE_PORT, LocalStack.ANY_FREE_PORT) : null;
        try {
            Path settings = stack != null ? stack.settingsFile() : onCluster(dir, cluster);
            LocalApps apps = LocalApps.start(dir, settings, agents,
                Map.of("SAS_AGENT_CONCURRENCY", Integer.toString(slots)), supervisors);
            return new OwnStack(stack, apps, settings,
                SasConfig.load(SasConfig.define(new ConfigDef()), settings, Map.of()));
        } catch (IOException | RuntimeException e) {
            if (stack != null) {
                stack.close();
            }
            throw e;
        }
    }

    /** The cluster's settings as this stack's settings file, its topics provisioned. */
    private static Path onCluster(Path dir, Path cluster) throws IOException {
        Map<String, String> settings = ConfigSource.load(cluster, Map.of());
        try {
            LocalStack.provision(settings);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create the topics on the cluster of " + cluster + ": "
                + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the topics", e);
        }
        Files.createDirectories(dir);
        settings.putAll(LocalTokens.create(dir));
        Path file = dir.resolve(LocalStack.SETTINGS_FILE);
        LocalStack.writeSettings(file, settings);
        return file;
    }

    /** The local broker and registry; absent on a cluster of one's own. */
    public Optional<LocalStack> local() {
        return Optional.ofNullable(stack);
    }

    public LocalApps apps() {
        return apps;
    }

    /** The settings every app of the stack reads. */
    public SasConfig config() {
        return config;
    }

    /** The supervisor's settings: its application id, its heartbeat timeout. */
    public SupervisorConfig supervisor() {
        return SupervisorConfig.load(settings, Map.of());
    }

    public Path settingsFile() {
        return settings;
    }

    @Override
    public void close() {
        apps.close();
        if (stack != null) {
            stack.close();
        }
    }
}
