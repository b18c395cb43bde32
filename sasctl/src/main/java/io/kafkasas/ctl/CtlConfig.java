package io.kafkasas.ctl;

import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.acls.AccessPlan;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.tls.TlsContexts;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * What sasctl reads: the shared settings (topics, Kafka, schema registry), the topic plan of {@code topics create}
 * ({@link ProvisioningConfig}) and where the scheduler's and the supervisor's HTTP APIs are. The URLs' defaults
 * are the apps' own default ports on this machine.
 */
public final class CtlConfig extends SasConfig {

    public static final String SCHEDULER_URL = "ctl.scheduler.url";
    public static final String SUPERVISOR_URL = "ctl.supervisor.url";
    public static final String KAFKA_TIMEOUT_MS = "ctl.kafka.timeout.ms";
    public static final String TOKEN = "ctl.token";
    public static final String TOKEN_FILE = "ctl.token.file";
    public static final String TRUSTSTORE_LOCATION = "ctl.tls.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "ctl.tls.truststore.password";
    public static final String KEYSTORE_LOCATION = "ctl.tls.keystore.location";
    public static final String KEYSTORE_PASSWORD = "ctl.tls.keystore.password";

    public static final ConfigDef DEFINITION = AccessPlan.define(new ConfigDef(ProvisioningConfig.DEFINITION))
        .define(SCHEDULER_URL, Type.STRING, "http://127.0.0.1:8080", Importance.HIGH,
            "Base URL of a scheduler's HTTP API: sasctl submits tasks there, so they are validated at once.")
        .define(SUPERVISOR_URL, Type.STRING, "http://127.0.0.1:8082", Importance.HIGH,
            "Base URL of any supervisor instance's HTTP API: task states and agents (it asks the other instances).")
        .define(TOKEN, Type.PASSWORD, null, Importance.HIGH,
            "Bearer token sasctl sends to the scheduler and the supervisor (SAS_CTL_TOKEN); the roles it needs:"
                + " submit to submit, operate to cancel, drain or restart, read for the rest.")
        .define(TOKEN_FILE, Type.STRING, "", Importance.HIGH,
            "File holding the bearer token (its first line), when not given by " + TOKEN + ".")
        .define(TRUSTSTORE_LOCATION, Type.STRING, "", Importance.MEDIUM,
            "PKCS12 truststore for https:// app URLs whose certificates the JDK does not trust (a CA of your own).")
        .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of that truststore.")
        .define(KEYSTORE_LOCATION, Type.STRING, "", Importance.MEDIUM,
            "PKCS12 keystore with sasctl's certificate, for apps that demand one (http.tls.client.auth=required).")
        .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of that keystore and key.")
        .define(KAFKA_TIMEOUT_MS, Type.LONG, 15_000L, ConfigDef.Range.atLeast(1_000), Importance.LOW,
            "How long sasctl waits for Kafka before it gives up (its clients' default.api.timeout.ms and"
                + " max.block.ms, unless the kafka.* settings give them).");

    private CtlConfig(Map<String, String> originals) {
        super(DEFINITION, originals);
    }

    /** The settings checked as a whole; every problem is reported at once. */
    public static CtlConfig of(Map<String, String> settings) {
        validate(DEFINITION, settings);
        return new CtlConfig(settings);
    }

    public URI schedulerUrl() {
        return URI.create(getString(SCHEDULER_URL));
    }

    /** The {@code Authorization} header to send, or null without a token. */
    public String authorization() {
        Password token = getPassword(TOKEN);
        String file = getString(TOKEN_FILE);
        if (token != null) {
            return Wire.bearer(token.value().strip());
        }
        if (file.isEmpty()) {
            return null;
        }
        try {
            return Wire.bearer(Files.readAllLines(Path.of(file)).stream().findFirst().orElse("").strip());
        } catch (IOException e) {
            throw new CtlException(ExitCodes.USAGE, "Cannot read " + TOKEN_FILE + " " + file + ": " + e);
        }
    }

    /** The TLS context for https:// app URLs: the JDK's, or the stores given. */
    public SSLContext tls() {
        String truststore = getString(TRUSTSTORE_LOCATION);
        String keystore = getString(KEYSTORE_LOCATION);
        if (truststore.isEmpty() && keystore.isEmpty()) {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JDK has TLS", e);
            }
        }
        return TlsContexts.of(keystore.isEmpty() ? null : new TlsContexts.Store(keystore, "PKCS12",
                secret(KEYSTORE_PASSWORD), null),
            truststore.isEmpty() ? null : new TlsContexts.Store(truststore, "PKCS12", secret(TRUSTSTORE_PASSWORD),
                null), "ctl.tls.*");
    }

    private String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }

    public URI supervisorUrl() {
        return URI.create(getString(SUPERVISOR_URL));
    }

    /** Properties for sasctl's consumers and admin clients: they give up after the time-out unless told otherwise. */
    public Map<String, Object> readerProperties() {
        Map<String, Object> properties = kafkaProperties();
        properties.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) kafkaTimeout().toMillis());
        return properties;
    }

    /** Overrides for sasctl's producers: a send blocks for metadata no longer than the time-out. */
    public Map<String, Object> writerOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX).containsKey(ProducerConfig.MAX_BLOCK_MS_CONFIG) ? Map.of()
            : Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, kafkaTimeout().toMillis());
    }

    public Duration kafkaTimeout() {
        return Duration.ofMillis(Math.min(Integer.MAX_VALUE, getLong(KAFKA_TIMEOUT_MS)));
    }
}
