package io.kafkasas.ops.local;

import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A local stack of a command's own (bench, chaos): broker, registry, scheduler, supervisor and an agent host in
 * {@code dir}, on free ports, with the settings they all read.
 */
public final class OwnStack implements AutoCloseable {

    private final LocalStack stack;
    private final LocalApps apps;
    private final SasConfig config;

    private OwnStack(LocalStack stack, LocalApps apps, SasConfig config) {
        this.stack = stack;
        this.apps = apps;
        this.config = config;
    }

    /** Starts it, saying so on {@code out}; {@code agents} 0 starts no host (for simulated agents). */
    public static OwnStack start(PrintWriter out, String name, Path dir, int agents, int slots) throws IOException {
        out.printf(agents == 0 ? "Starting the %s stack under %s (no agents) ...%n"
            : "Starting the %s stack under %s (%d agents x %d slots) ...%n", name, dir, agents, slots);
        out.flush();
        LocalStack stack = LocalStack.start(dir, 0, 0);
        try {
            LocalApps apps = LocalApps.start(dir, stack.settingsFile(), agents,
                Map.of("SAS_AGENT_CONCURRENCY", Integer.toString(slots)));
            return new OwnStack(stack, apps,
                SasConfig.load(SasConfig.define(new ConfigDef()), stack.settingsFile(), Map.of()));
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public LocalStack stack() {
        return stack;
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
        return SupervisorConfig.load(stack.settingsFile(), Map.of());
    }

    public Path settingsFile() {
        return stack.settingsFile();
    }

    @Override
    public void close() {
        apps.close();
        stack.close();
    }
}
