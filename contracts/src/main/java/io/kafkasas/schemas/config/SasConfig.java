package io.kafkasas.schemas.config;

import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The configuration every kafka-sas app shares: topic prefix, queues, schema registry, and Kafka client
 * properties, which pass through untouched under the {@code kafka.} prefix ({@code kafka.bootstrap.servers},
 * {@code kafka.security.protocol}, ...). Each app's own config adds its keys to {@link #define}.
 */
public class SasConfig extends AbstractConfig {

    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String QUEUES = "queues";
    public static final String KAFKA_PREFIX = "kafka.";

    public SasConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
    }

    /** The shared settings alone, validated (every problem at once): what a client of kafka-sas needs. */
    public static SasConfig of(Map<String, String> settings) {
        ConfigDef definition = define(new ConfigDef());
        validate(definition, settings);
        return new SasConfig(definition, settings);
    }

    /** The shared keys, added to {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        def.define(TOPIC_PREFIX, Type.STRING, TopicNames.DEFAULT_PREFIX,
                ConfigDef.LambdaValidator.with((name, value) -> {
                    String prefix = (String) value;
                    if (!prefix.isEmpty() && !TopicNames.LEGAL.matcher(prefix).matches()) {
                        throw new ConfigException(name, value,
                            "may only contain a-z A-Z 0-9 . _ -");
                    }
                }, () -> "[a-zA-Z0-9._-]*"),
                Importance.MEDIUM, "Prefix of every kafka-sas topic name.")
            .define(QUEUES, Type.LIST, TopicNames.DEFAULT_QUEUE, Importance.HIGH,
                "Task queues; each has its own task topic <prefix>tasks.<queue>.");
        return SchemaRegistryConfig.define(def);
    }

    /**
     * Checks {@code originals} against {@code definition} and reports every problem at once
     * ({@link ConfigProblemsException}), naming the environment variable that sets each key.
     */
    public static void validate(ConfigDef definition, Map<String, String> originals) {
        List<String> problems = new ArrayList<>();
        for (ConfigValue value : definition.validateAll(originals).values()) {
            // the first message says it; Kafka adds "must be non-null" after a value it could not parse
            if (!value.errorMessages().isEmpty()) {
                problems.add(value.name() + " (" + ConfigSource.envNameOf(value.name()) + "): "
                    + value.errorMessages().get(0));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigProblemsException(problems);
        }
    }

    /**
     * The configuration of an app defined by {@code definition}: {@code file} (may be null) under the {@code SAS_*}
     * variables of {@code env}, validated as a whole.
     */
    public static SasConfig load(ConfigDef definition, Path file, Map<String, String> env) {
        Map<String, String> settings = ConfigSource.load(file, env);
        validate(definition, settings);
        return new SasConfig(definition, settings);
    }

    public TopicNames topicNames() {
        return new TopicNames(getString(TOPIC_PREFIX), getList(QUEUES));
    }

    /** The topic catalogue, with serdes on the configured schema registry. */
    public Topics topics() {
        SchemaRegistryConfig registry = schemaRegistry();
        AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(registry), registry.autoRegister());
        return new Topics(topicNames(), serdes);
    }

    public SchemaRegistryConfig schemaRegistry() {
        return new SchemaRegistryConfig(originals());
    }

    /** The Kafka client properties: every {@code kafka.*} key with the prefix removed, values untouched. */
    public Map<String, Object> kafkaProperties() {
        return new TreeMap<>(originalsWithPrefix(KAFKA_PREFIX));
    }

    /** Every setting in force, one per line, secrets hidden: for the start-up log. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        values().forEach((k, v) -> shown.put(k, String.valueOf(v)));
        originalsWithPrefix(KAFKA_PREFIX, false).forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : "" + v));
        StringBuilder out = new StringBuilder();
        shown.forEach((k, v) -> out.append("  ").append(k).append(" = ").append(v).append('\n'));
        return out.toString();
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("user.info")
            || k.endsWith(".key");
    }
}
