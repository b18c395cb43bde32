package io.kafkasas.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where configuration comes from: a properties file, then environment variables over it. An environment
 * variable {@code SAS_SCHEMA_REGISTRY_URL} sets {@code schema.registry.url}: drop {@code SAS_}, lower-case,
 * {@code _} becomes {@code .}. So {@code SAS_KAFKA_SASL_JAAS_CONFIG} sets {@code kafka.sasl.jaas.config}, which
 * passes to the Kafka clients as {@code sasl.jaas.config}.
 */
public final class ConfigSource {

    public static final String ENV_PREFIX = "SAS_";

    private ConfigSource() {
    }

    /** The file's properties (if {@code file} is not null), overridden by {@code SAS_*} variables of {@code env}. */
    public static Map<String, String> load(Path file, Map<String, String> env) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read configuration file " + file.toAbsolutePath() + ": " + e, e);
            }
            properties.stringPropertyNames().forEach(k -> merged.put(k, properties.getProperty(k).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                merged.put(keyOf(name), value);
            }
        });
        return merged;
    }

    /** The configuration key an environment variable sets. */
    public static String keyOf(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The environment variable that sets a configuration key. */
    public static String envNameOf(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
