package io.kafkasas.ops;

import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** The options every ops command shares: a properties file, then SAS_* variables, then these flags. */
public final class Settings {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Properties file (e.g. .sas-local/local.properties written by 'local').")
    Path configFile;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (sets kafka.bootstrap.servers).")
    String bootstrapServers;

    @Option(names = {"-r", "--registry"}, paramLabel = "URL", description = "Schema registry URL.")
    String registryUrl;

    /** The merged settings, flags winning. */
    public Map<String, String> load() {
        Map<String, String> settings = ConfigSource.load(configFile, System.getenv());
        if (bootstrapServers != null) {
            settings.put(SasConfig.KAFKA_PREFIX + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (registryUrl != null) {
            settings.put(SchemaRegistryConfig.URL, registryUrl);
        }
        return settings;
    }
}
