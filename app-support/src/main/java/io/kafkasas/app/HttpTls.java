package io.kafkasas.app;

import io.kafkasas.schemas.tls.TlsContexts;
import io.kafkasas.schemas.tls.TlsContexts.Store;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/**
 * TLS for an app's HTTP endpoints: its certificate ({@value #KEYSTORE_LOCATION}), whom it trusts
 * ({@value #TRUSTSTORE_LOCATION}: the other instances it asks, and with {@value #CLIENT_AUTH} {@code required} the
 * callers, who must then present a certificate it trusts). The same context serves and asks.
 */
public record HttpTls(SSLContext context, boolean clientAuth) {

    public static final String KEYSTORE_LOCATION = "http.tls.keystore.location";
    public static final String KEYSTORE_PASSWORD = "http.tls.keystore.password";
    public static final String KEYSTORE_TYPE = "http.tls.keystore.type";
    public static final String TRUSTSTORE_LOCATION = "http.tls.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "http.tls.truststore.password";
    public static final String TRUSTSTORE_TYPE = "http.tls.truststore.type";
    public static final String CLIENT_AUTH = "http.tls.client.auth";

    /** Adds the TLS keys to {@code def}. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(KEYSTORE_LOCATION, Type.STRING, "", Importance.HIGH,
                "Keystore with the certificate the HTTP endpoints serve: set, they speak HTTPS only; empty, plain"
                    + " HTTP.")
            .define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Password of that keystore and key.")
            .define(KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Type of that keystore.")
            .define(TRUSTSTORE_LOCATION, Type.STRING, "", Importance.MEDIUM,
                "Truststore of the certificates this app trusts: the other instances it asks (the supervisor's"
                    + " forwarded queries, a host's scrapes of its agents) and, with client auth, its callers."
                    + " Empty: the JDK's.")
            .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of that truststore.")
            .define(TRUSTSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Type of that truststore.")
            .define(CLIENT_AUTH, Type.STRING, "none", ValidString.in("none", "required"), Importance.MEDIUM,
                "required: every caller, health checks included, must present a certificate the truststore trusts"
                    + " (mTLS), besides its token.");
    }

    /** From {@code config}: null when no keystore is set (plain HTTP). */
    public static HttpTls from(AbstractConfig config) {
        String keystore = config.getString(KEYSTORE_LOCATION);
        if (keystore.isEmpty()) {
            return null;
        }
        String truststore = config.getString(TRUSTSTORE_LOCATION);
        Store keys = new Store(keystore, config.getString(KEYSTORE_TYPE), value(config.getPassword(KEYSTORE_PASSWORD)),
            null);
        Store trust = truststore.isEmpty() ? null : new Store(truststore, config.getString(TRUSTSTORE_TYPE),
            value(config.getPassword(TRUSTSTORE_PASSWORD)), null);
        return new HttpTls(TlsContexts.of(keys, trust, "http.tls.*"),
            "required".equals(config.getString(CLIENT_AUTH).toLowerCase(Locale.ROOT)));
    }

    private static String value(Password password) {
        return password == null ? null : password.value();
    }
}
