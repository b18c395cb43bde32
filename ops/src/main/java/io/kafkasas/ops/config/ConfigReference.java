package io.kafkasas.ops.config;

import io.kafkasas.schemas.config.ConfigSource;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * The configuration reference, {@code docs/configuration.md}, made from the apps' typed settings so that it cannot
 * drift from the code: every key, its environment variable, type, default, valid values and meaning.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
            .append("<!-- Generated from the apps' typed settings by `java -jar ops/target/ops.jar config-reference")
            .append(" > docs/configuration.md`; ConfigReferenceTest fails when it is out of date. -->\n\n")
            .append("Every kafka-sas app reads an optional properties file (its first argument) and, over it, ")
            .append("environment variables: `SAS_` + the key in upper case with `.` as `_` ")
            .append("(`schema.registry.url` is `SAS_SCHEMA_REGISTRY_URL`). Containers use the variables only.\n\n")
            .append("Besides the keys below, every app passes `kafka.<setting>` (`SAS_KAFKA_<SETTING>`) to its Kafka ")
            .append("clients untouched, e.g. `SAS_KAFKA_BOOTSTRAP_SERVERS`, `SAS_KAFKA_SECURITY_PROTOCOL`, ")
            .append("`SAS_KAFKA_SASL_JAAS_CONFIG`. The scheduler and the supervisor pass `streams.<setting>` ")
            .append("(`SAS_STREAMS_<SETTING>`) to Kafka Streams, e.g. `SAS_STREAMS_NUM_STANDBY_REPLICAS`. ")
            .append("The deployment files' tests reject a variable that no app reads.\n");
        for (AppSettings app : AppSettings.values()) {
            out.append("\n## ").append(app.image())
                .append(" (`").append(app.command()).append("`)\n\n")
                .append("| Key | Environment variable | Type | Default | Valid values | Meaning |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
            List<ConfigKey> keys = app.definition().configKeys().values().stream()
                .sorted((a, b) -> a.name.compareTo(b.name)).toList();
            for (ConfigKey key : keys) {
                out.append("| ").append(String.join(" | ", "`" + key.name + "`",
                    "`" + ConfigSource.envNameOf(key.name) + "`", key.type.toString().toLowerCase(Locale.ROOT),
                    defaultOf(key), cell(key.validator == null ? "" : key.validator.toString()),
                    cell(key.documentation))).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String defaultOf(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        String text = value instanceof List<?> list
            ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
            : ConfigDef.convertToString(value, key.type);
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    private static String cell(String text) {
        // < would open an HTML tag in Markdown: "<topic.prefix>" must show as written
        return text == null ? "" : text.replace("|", "\\|").replace("<", "\\<").replace("\n", " ");
    }
}
