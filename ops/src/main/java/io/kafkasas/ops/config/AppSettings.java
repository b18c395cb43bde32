package io.kafkasas.ops.config;

import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.host.HostConfig;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.dashboard.DashboardConfig;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.supervisor.SupervisorConfig;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What each kafka-sas program reads: its typed settings, whether it passes {@code streams.*} on to Kafka Streams,
 * and which setting holds its HTTP port. The one catalogue that the configuration reference and the checks of the
 * deployment files are made from.
 */
public enum AppSettings {

    SCHEDULER("scheduler", "scheduler-app.jar", SchedulerConfig.DEFINITION, true, HttpSettings.PORT),
    SUPERVISOR("supervisor", "supervisor-app.jar", SupervisorConfig.DEFINITION, true, HttpSettings.PORT),
    AGENT_HOST("agent-host", "agent-app.jar host", HostConfig.DEFINITION, false, HostConfig.HTTP_PORT),
    AGENT("agent", "agent-app.jar", AgentConfig.DEFINITION, false, HttpSettings.PORT),
    DASHBOARD("dashboard", "dashboard-app.jar", DashboardConfig.DEFINITION, false, HttpSettings.PORT),
    SASCTL("sasctl", "sasctl.jar", CtlConfig.DEFINITION, false, null);

    private final String image;
    private final String command;
    private final ConfigDef definition;
    private final boolean streams;
    private final String httpPortKey;

    AppSettings(String image, String command, ConfigDef definition, boolean streams, String httpPortKey) {
        this.image = image;
        this.command = command;
        this.definition = definition;
        this.streams = streams;
        this.httpPortKey = httpPortKey;
    }

    /** The name of its container image, {@code kafka-sas/<image>} (the Dockerfile's {@code APP}). */
    public String image() {
        return image;
    }

    public String command() {
        return command;
    }

    public ConfigDef definition() {
        return definition;
    }

    /** Whether {@code streams.*} settings reach Kafka Streams (the scheduler and the supervisor). */
    public boolean streams() {
        return streams;
    }

    /** The setting that holds its HTTP port (health, metrics), if it serves HTTP. */
    public Optional<String> httpPortKey() {
        return Optional.ofNullable(httpPortKey);
    }

    public int defaultHttpPort() {
        return (Integer) definition.configKeys().get(httpPortKey).defaultValue;
    }

    /** The app built as {@code kafka-sas/<image>}; the standalone agent has no image of its own. */
    public static Optional<AppSettings> ofImage(String image) {
        return Arrays.stream(values()).filter(a -> a != AGENT && a.image.equals(image)).findFirst();
    }
}
