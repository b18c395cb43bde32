package io.kafkasas.schemas.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts from key and trust stores: the schema registry client's, the HTTP endpoints' and their clients'. */
public final class TlsContexts {

    /** A key or trust store: its file, type (PKCS12, JKS) and password; {@code keyPassword} for a key store. */
    public record Store(String location, String type, String password, String keyPassword) {
    }

    private TlsContexts() {
    }

    /**
     * A context with {@code keys} (null: no own certificate) and {@code trust} (null: the JDK's default trust);
     * {@link IllegalArgumentException} naming {@code settings} when a store cannot be read.
     */
    public static SSLContext of(Store keys, Store trust, String settings) {
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trust));
            }
            KeyManagerFactory kmf = null;
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(keys), chars(keys.keyPassword() != null ? keys.keyPassword() : keys.password()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("Cannot set up TLS from " + settings + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Store store) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance(store.type());
        try (InputStream in = Files.newInputStream(Path.of(store.location()))) {
            keyStore.load(in, chars(store.password()));
        }
        return keyStore;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }
}
