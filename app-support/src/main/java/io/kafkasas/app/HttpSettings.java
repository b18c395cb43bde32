package io.kafkasas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Where an app's HTTP endpoints (health, metrics, API) listen, who may call them, and their TLS ({@code tls} null:
 * plain HTTP).
 */
public record HttpSettings(String host, int port, int requestsPerSecondPerClient, HttpAuth auth, HttpTls tls) {

    public static final String HOST = "http.host";
    public static final String PORT = "http.port";
    public static final String REQUESTS_PER_SECOND_PER_CLIENT = "http.requests.per.second.per.client";
    private static final int DEFAULT_REQUESTS_PER_SECOND_PER_CLIENT = 2000;

    /** Plain HTTP. */
    public HttpSettings(String host, int port, int requestsPerSecondPerClient, HttpAuth auth) {
        this(host, port, requestsPerSecondPerClient, auth, null);
    }

    /** These settings listening on {@code port} instead. */
    public HttpSettings onPort(int port) {
        return new HttpSettings(host, port, requestsPerSecondPerClient, auth, tls);
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** A client for this app's own calls to other instances: HTTP/1.1, and this app's TLS context if it has one. */
    public HttpClient.Builder client() {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        return tls == null ? client : client.sslContext(tls.context());
    }

    /** Adds the HTTP keys to {@code def}; {@code defaultPort} differs per app so they can share a machine. */
    public static ConfigDef define(ConfigDef def, int defaultPort) {
        def.define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM,
                "Address the HTTP endpoints bind to; 0.0.0.0 in a container.")
            .define(PORT, Type.INT, defaultPort, Range.between(0, 65535), Importance.MEDIUM,
                "Port of the HTTP endpoints (health, metrics, API); 0 takes any free port.")
            .define(REQUESTS_PER_SECOND_PER_CLIENT, Type.INT, DEFAULT_REQUESTS_PER_SECOND_PER_CLIENT,
                Range.atLeast(0), Importance.LOW,
                "Requests a client (an IP address) may make per second, in bursts of up to twice that; more are"
                    + " answered 429 with Retry-After. Health is never limited. 0: no limit.")
            .define(HttpAuth.REQUIRED, Type.BOOLEAN, true, Importance.HIGH,
                "Whether every endpoint but /health needs a bearer token with the role its action needs (submit,"
                    + " operate, read): 401 without a known token, 403 without the role. false only on a trusted"
                    + " network.")
            .define(HttpAuth.TOKENS_FILE, Type.STRING, "", Importance.HIGH,
                "File of the tokens accepted, one per line: '<name> <role>[,<role>...] <token>' (# comments);"
                    + " re-read when it changes, as a mounted Kubernetes Secret does. Tokens are at least 16"
                    + " characters; only their names are ever logged.")
            .define(HttpAuth.TOKENS, Type.PASSWORD, null, Importance.MEDIUM,
                "More accepted tokens, in the file's form, separated by ';' or new lines (for an environment"
                    + " variable from a Secret).")
            .define(HttpAuth.CLIENT_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                "The token this app sends when it asks another instance (a query passed to the instance that holds"
                    + " the task or schedule, a list gathered from every instance); needs the read role there.");
        HttpTls.define(def);
        return def;
    }

    /** From {@code config}, listening on {@code port}; {@link IllegalArgumentException} for a malformed token. */
    public static HttpSettings from(AbstractConfig config, int port) {
        String file = config.getString(HttpAuth.TOKENS_FILE);
        return new HttpSettings(config.getString(HOST), port, config.getInt(REQUESTS_PER_SECOND_PER_CLIENT),
            HttpAuth.of(config.getBoolean(HttpAuth.REQUIRED), secret(config, HttpAuth.TOKENS),
                file.isEmpty() ? null : Path.of(file), secret(config, HttpAuth.CLIENT_TOKEN)), HttpTls.from(config));
    }

    public static HttpSettings from(AbstractConfig config) {
        return from(config, config.getInt(PORT));
    }

    private static String secret(AbstractConfig config, String key) {
        Password password = config.getPassword(key);
        return password == null ? null : password.value();
    }

    /**
     * A port free on {@code host} now, for an app that must know its port before it binds (to advertise it, or to
     * tell a child process).
     */
    public static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host, e);
        }
    }
}
