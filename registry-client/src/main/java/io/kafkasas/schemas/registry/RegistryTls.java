package io.kafkasas.schemas.registry;

import io.kafkasas.schemas.tls.TlsContexts;
import io.kafkasas.schemas.tls.TlsContexts.Store;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.types.Password;

/** Builds the TLS context for https registry URLs from the {@code schema.registry.ssl.*} keys. */
final class RegistryTls {

    private RegistryTls() {
    }

    static SSLContext sslContext(SchemaRegistryConfig config) {
        String truststore = config.getString(SchemaRegistryConfig.TRUSTSTORE_LOCATION);
        String keystore = config.getString(SchemaRegistryConfig.KEYSTORE_LOCATION);
        if (truststore == null && keystore == null) {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JDK has TLS", e);
            }
        }
        Store trust = truststore == null ? null : new Store(truststore,
            config.getString(SchemaRegistryConfig.TRUSTSTORE_TYPE),
            value(config.getPassword(SchemaRegistryConfig.TRUSTSTORE_PASSWORD)), null);
        Store keys = keystore == null ? null : new Store(keystore, config.getString(SchemaRegistryConfig.KEYSTORE_TYPE),
            value(config.getPassword(SchemaRegistryConfig.KEYSTORE_PASSWORD)),
            value(config.getPassword(SchemaRegistryConfig.KEY_PASSWORD)));
        return TlsContexts.of(keys, trust, SchemaRegistryConfig.SSL_PREFIX + "*");
    }

    private static String value(Password password) {
        return password == null ? null : password.value();
    }
}
