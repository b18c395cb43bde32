package io.kafkasas.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client reaches an https registry through the configured truststore, and refuses one it does not trust. */
class RegistryTlsTest {

    private static final String PASSWORD = "changeit";

    @Test
    void shouldTalkToAnHttpsRegistryWithTheConfiguredTruststore(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("registry.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
            "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
            .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore)));
        server.createContext("/", exchange -> {
            byte[] body = "{\"id\":5}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "https://127.0.0.1:" + server.getAddress().getPort();
            Schema schema = Schema.create(Schema.Type.STRING);
            SchemaRegistryClient trusting = SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, url,
                SchemaRegistryConfig.TRUSTSTORE_LOCATION, keystore.toString(),
                SchemaRegistryConfig.TRUSTSTORE_PASSWORD, PASSWORD));
            SchemaRegistryClient untrusting = SchemaRegistryClients.create(Map.of(SchemaRegistryConfig.URL, url,
                SchemaRegistryConfig.MAX_RETRIES, 0));

            assertThat(trusting.register("s-value", schema)).isEqualTo(5);
            assertThatThrownBy(() -> untrusting.register("s-value", schema))
                .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("SSL");
        } finally {
            server.stop(0);
        }
    }

    private static SSLContext serverContext(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
