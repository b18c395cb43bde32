package io.kafkasas.schemas.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the schema registry. The keys are the ones the serdes read from Kafka client properties, so a
 * serde configured by class name in a producer's properties finds its registry the same way.
 */
public final class SchemaRegistryConfig extends AbstractConfig {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String AUTO_REGISTER = "schema.registry.auto.register.schemas";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
    public static final String TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
    public static final String KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
    public static final String KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
    public static final String KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
    public static final String KEY_PASSWORD = SSL_PREFIX + "key.password";

    public static final ConfigDef DEFINITION = define(new ConfigDef());

    public SchemaRegistryConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** Adds the registry keys to {@code def}, so an app's own definition can include them. */
    public static ConfigDef define(ConfigDef def) {
        return def
            .define(URL, Type.LIST, "http://127.0.0.1:8081", Importance.HIGH,
                "Schema registry URLs (comma-separated, tried in order), or mock://<scope> for an in-memory registry"
                    + " shared within one JVM (tests).")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                "Basic-auth credentials for the registry as user:password; empty for none.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                "Time-out of one registry HTTP request, and of connecting, in milliseconds.")
            .define(MAX_RETRIES, Type.INT, 3, Range.between(0, 100), Importance.LOW,
                "Retries of a registry call that failed for a retriable reason (connection, time-out, 5xx).")
            .define(RETRY_BACKOFF_MS, Type.INT, 200, Range.atLeast(0), Importance.LOW,
                "First back-off between registry retries, doubled on each retry, in milliseconds.")
            .define(AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
                "Whether serializers register their schema; if false the schema must already be registered.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW, "Truststore for https registry URLs.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the truststore.")
            .define(TRUSTSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Truststore type (PKCS12 or JKS).")
            .define(KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW, "Keystore for TLS client authentication.")
            .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the keystore.")
            .define(KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Keystore type (PKCS12 or JKS).")
            .define(KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the key in the keystore.");
    }

    public List<String> urls() {
        return getList(URL);
    }

    public boolean isMock() {
        return urls().size() == 1 && urls().get(0).startsWith(InMemorySchemaRegistry.MOCK_SCHEME);
    }

    /** The user:password pair, or null. */
    public String userInfo() {
        Password password = getPassword(BASIC_AUTH_USER_INFO);
        return password == null || password.value().isBlank() ? null : password.value();
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS));
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES);
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getInt(RETRY_BACKOFF_MS));
    }

    public boolean autoRegister() {
        return getBoolean(AUTO_REGISTER);
    }

}
