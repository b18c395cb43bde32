package io.kafkasas.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;

/** Builds the TLS context for https registry URLs from the {@code schema.registry.ssl.*} keys. */
final class RegistryTls {

    private RegistryTls() {
    }

    static SSLContext sslContext(SchemaRegistryConfig config) {
        try {
            String truststore = config.getString(SchemaRegistryConfig.TRUSTSTORE_LOCATION);
            String keystore = config.getString(SchemaRegistryConfig.KEYSTORE_LOCATION);
            if (truststore == null && keystore == null) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory tmf = null;
            if (truststore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(truststore, config.getString(SchemaRegistryConfig.TRUSTSTORE_TYPE),
                    config.getPassword(SchemaRegistryConfig.TRUSTSTORE_PASSWORD)));
            }
            KeyManagerFactory kmf = null;
            if (keystore != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                Password keyPassword = config.getPassword(SchemaRegistryConfig.KEY_PASSWORD);
                Password storePassword = config.getPassword(SchemaRegistryConfig.KEYSTORE_PASSWORD);
                kmf.init(load(keystore, config.getString(SchemaRegistryConfig.KEYSTORE_TYPE), storePassword),
                    chars(keyPassword != null ? keyPassword : storePassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Cannot set up TLS for the schema registry from "
                + SchemaRegistryConfig.SSL_PREFIX + "*: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String location, String type, Password password)
        throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
        }
        return store;
    }

    private static char[] chars(Password password) {
        return password == null ? null : password.value().toCharArray();
    }
}
