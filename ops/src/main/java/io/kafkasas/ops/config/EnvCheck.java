package io.kafkasas.ops.config;

import io.kafkasas.app.streams.StreamsApps;
import io.kafkasas.schemas.config.ConfigSource;
import io.kafkasas.schemas.config.SasConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks a container's {@code SAS_*} variables against what its app reads: every variable must set a setting of
 * the app, or a Kafka client setting under {@code kafka.}, or (Streams apps) a Kafka Streams setting under
 * {@code streams.}; and every value must be valid. A misspelt name would otherwise be ignored without a word.
 */
public final class EnvCheck {

    private static final Set<String> CLIENT_SETTINGS = union(ProducerConfig.configNames(),
        ConsumerConfig.configNames(), AdminClientConfig.configNames());
    private static final Set<String> STREAMS_SETTINGS = union(StreamsConfig.configDef().names(), CLIENT_SETTINGS);
    /** Streams' prefixes for settings of its clients and of its internal topics. */
    private static final List<String> STREAMS_PREFIXES = List.of(StreamsConfig.CONSUMER_PREFIX,
        StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
        StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX);

    private EnvCheck() {
    }

    /**
     * The problems of {@code env} (name → value; a null value is set at run time, e.g. from the pod's fields, and
     * only its name is checked) for {@code app}, each naming the variable; empty if none.
     */
    public static List<String> problems(AppSettings app, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, String> settings = new HashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ConfigSource.ENV_PREFIX)) {
                return;
            }
            String key = ConfigSource.keyOf(name);
            if (!reads(app, key)) {
                problems.add(name + " sets " + key + ", which the " + app.image() + " does not read");
            } else if (value != null && app.definition().names().contains(key)) {
                settings.put(key, value);
            }
        });
        try {
            SasConfig.validate(only(app.definition(), settings.keySet()), settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** Whether {@code app} reads setting {@code key}. */
    public static boolean reads(AppSettings app, String key) {
        if (app.definition().names().contains(key)) {
            return true;
        }
        if (key.startsWith(SasConfig.KAFKA_PREFIX)) {
            String setting = key.substring(SasConfig.KAFKA_PREFIX.length());
            return (app.streams() ? STREAMS_SETTINGS : CLIENT_SETTINGS).contains(setting);
        }
        String streams = StreamsApps.STREAMS_PREFIX;
        return app.streams() && key.startsWith(streams) && isStreamsSetting(key.substring(streams.length()));
    }

    private static boolean isStreamsSetting(String setting) {
        if (STREAMS_SETTINGS.contains(setting)) {
            return true;
        }
        if (setting.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            return topicSettings().contains(setting.substring(StreamsConfig.TOPIC_PREFIX.length()));
        }
        return STREAMS_PREFIXES.stream().anyMatch(p -> setting.startsWith(p)
            && CLIENT_SETTINGS.contains(setting.substring(p.length())));
    }

    /** Settings not given keep their defaults: only those given are validated (a required one is the app's job). */
    private static ConfigDef only(ConfigDef definition, Set<String> keys) {
        ConfigDef subset = new ConfigDef();
        definition.configKeys().values().stream().filter(k -> keys.contains(k.name)).forEach(subset::define);
        return subset;
    }

    private static Set<String> topicSettings() {
        Set<String> names = new HashSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
