package io.kafkasas.ctl;

import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every command shares: a properties file, then SAS_* variables, then these flags. */
public final class Settings {

    /** The field name every command gives this mixin. */
    static final String MIXIN_NAME = "settings";

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

    /** Where this mixin is used; its parents may hold flags given before the subcommand's name. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The merged settings: the file, then SAS_* variables, then flags. A flag given after the subcommand's name
     * wins over one given before it ({@code sasctl -c a.properties status -c b.properties ID} reads b).
     */
    public Map<String, String> load() {
        List<Settings> chain = chain();
        Path file = null;
        for (Settings settings : chain) {
            file = settings.configFile != null ? settings.configFile : file;
        }
        Map<String, String> settings;
        try {
            settings = ConfigSource.load(file, System.getenv());
        } catch (UncheckedIOException e) {
            throw new CtlException(ExitCodes.USAGE, e.getMessage());
        }
        chain.forEach(level -> settings.putAll(level.flags()));
        return settings;
    }

    private Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        if (bootstrapServers != null) {
            flags.put(SasConfig.KAFKA_PREFIX + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (registryUrl != null) {
            flags.put(SchemaRegistryConfig.URL, registryUrl);
        }
        if (schedulerUrl != null) {
            flags.put(CtlConfig.SCHEDULER_URL, schedulerUrl);
        }
        if (supervisorUrl != null) {
            flags.put(CtlConfig.SUPERVISOR_URL, supervisorUrl);
        }
        return flags;
    }

    /** The settings of every enclosing command (sasctl, {@code agents} ...), outermost first, then these. */
    private List<Settings> chain() {
        List<Settings> chain = new ArrayList<>();
        chain.add(this);
        for (CommandSpec command = mixee == null ? null : mixee.parent(); command != null;
             command = command.parent()) {
            CommandSpec mixin = command.mixins().get(MIXIN_NAME);
            if (mixin != null && mixin.userObject() instanceof Settings settings) {
                chain.add(0, settings);
            }
        }
        return chain;
    }

    /** The merged settings as sasctl's typed configuration. */
    public CtlConfig ctl() {
        return CtlConfig.of(load());
    }
}
