package io.kafkasas.dashboard;

import io.kafkasas.app.HttpSettings;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.schemas.config.AppIds;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The dashboard's settings: where the apps are and how to call them ({@code ctl.*}, as sasctl), its own HTTP
 * endpoints ({@code http.*}), the agents' consumer group (for lag) and how much it keeps in memory.
 */
public final class DashboardConfig {

    public static final String HISTORY_SECONDS = "dashboard.history.seconds";
    public static final String DEAD_LETTERS_KEPT = "dashboard.dead.letters.kept";
    public static final String REFRESH_MS = "dashboard.refresh.ms";
    public static final int DEFAULT_HTTP_PORT = 8084;

    public static final ConfigDef DEFINITION = HttpSettings.define(new ConfigDef(CtlConfig.DEFINITION),
            DEFAULT_HTTP_PORT)
        .define(AppIds.AGENT_GROUP_ID, Type.STRING, "", Importance.MEDIUM,
            "The agents' consumer group, whose lag the overview shows; empty means the agents' default"
                + " (<topic.prefix>agents).")
        .define(HISTORY_SECONDS, Type.INT, 300, Range.between(10, 3600), Importance.LOW,
            "How many seconds of task rates the live chart shows (kept in memory from the dashboard's start).")
        .define(DEAD_LETTERS_KEPT, Type.INT, 10_000, Range.between(100, 1_000_000), Importance.LOW,
            "The newest dead letters kept in memory for the dead-letter page; older ones are counted, and"
                + " 'sasctl dead-letters list' reads them all from the topic.")
        .define(REFRESH_MS, Type.LONG, 1_000L, Range.between(200, 60_000), Importance.LOW,
            "How often the overview's figures are refreshed and pushed to open pages.");

    private final SasConfig config;
    private final CtlConfig ctl;
    private final HttpSettings http;

    private DashboardConfig(Map<String, String> settings) {
        this.config = new SasConfig(DEFINITION, settings);
        this.ctl = CtlConfig.of(settings);
        this.http = HttpSettings.from(config);
    }

    public static DashboardConfig load(Path file, Map<String, String> env) {
        return of(ConfigSource.load(file, env));
    }

    public static DashboardConfig of(Map<String, String> settings) {
        SasConfig.validate(DEFINITION, settings);
        return new DashboardConfig(settings);
    }

    public SasConfig shared() {
        return config;
    }

    /** How the dashboard reaches the apps and Kafka: as sasctl does. */
    public CtlConfig ctl() {
        return ctl;
    }

    public HttpSettings http() {
        return http;
    }

    public String agentGroup() {
        return AppIds.agentGroup(config.getString(AppIds.AGENT_GROUP_ID), config.topicNames());
    }

    public int historySeconds() {
        return config.getInt(HISTORY_SECONDS);
    }

    public int deadLettersKept() {
        return config.getInt(DEAD_LETTERS_KEPT);
    }

    public Duration refresh() {
        return Duration.ofMillis(config.getLong(REFRESH_MS));
    }
}
