package io.kafkasas.ctl;

import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** The options every command shares: a properties file, then SAS_* variables, then these flags. */
public final class Settings {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Properties file (e.g. .sas-local/local.properties written by 'ops local').")
    Path configFile;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (sets kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(names = {"-r", "--registry"}, paramLabel = "URL", description = "Schema registry URL.")
    String registryUrl;

    @Option(names = "--scheduler", paramLabel = "URL",
        description = "Scheduler HTTP API (sets ctl.scheduler.url; default http://127.0.0.1:8080).")
    String schedulerUrl;

    @Option(names = "--supervisor", paramLabel = "URL",
        description = "Supervisor HTTP API (sets ctl.supervisor.url; default http://127.0.0.1:8082).")
    String supervisorUrl;

    /** The merged settings, flags winning. */
    public Map<String, String> load() {
        Map<String, String> settings = ConfigSource.load(configFile, System.getenv());
        if (bootstrapServers != null) {
            settings.put(SasConfig.KAFKA_PREFIX + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (registryUrl != null) {
            settings.put(SchemaRegistryConfig.URL, registryUrl);
        }
        if (schedulerUrl != null) {
            settings.put(CtlConfig.SCHEDULER_URL, schedulerUrl);
        }
        if (supervisorUrl != null) {
            settings.put(CtlConfig.SUPERVISOR_URL, supervisorUrl);
        }
        return settings;
    }

    /** The merged settings as sasctl's typed configuration. */
    public CtlConfig ctl() {
        return CtlConfig.of(load());
    }
}
