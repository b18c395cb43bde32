package io.kafkasas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Where an app's HTTP endpoints (health, metrics, API) listen. */
public record HttpSettings(String host, int port, int requestsPerSecondPerClient) {

    public static final String HOST = "http.host";
    public static final String PORT = "http.port";
    public static final String REQUESTS_PER_SECOND_PER_CLIENT = "http.requests.per.second.per.client";
    private static final int DEFAULT_REQUESTS_PER_SECOND_PER_CLIENT = 2000;

    /** With the default limit of requests per client. */
    public HttpSettings(String host, int port) {
        this(host, port, DEFAULT_REQUESTS_PER_SECOND_PER_CLIENT);
    }

    /** Adds the HTTP keys to {@code def}; {@code defaultPort} differs per app so they can share a machine. */
    public static ConfigDef define(ConfigDef def, int defaultPort) {
        return def.define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM,
                "Address the HTTP endpoints bind to; 0.0.0.0 in a container.")
            .define(PORT, Type.INT, defaultPort, Range.between(0, 65535), Importance.MEDIUM,
                "Port of the HTTP endpoints (health, metrics, API); 0 takes any free port.")
            .define(REQUESTS_PER_SECOND_PER_CLIENT, Type.INT, DEFAULT_REQUESTS_PER_SECOND_PER_CLIENT,
                Range.atLeast(0), Importance.LOW,
                "Requests a client (an IP address) may make per second, in bursts of up to twice that; more are"
                    + " answered 429 with Retry-After. Health is never limited. 0: no limit.");
    }

    public static HttpSettings from(AbstractConfig config) {
        return new HttpSettings(config.getString(HOST), config.getInt(PORT),
            config.getInt(REQUESTS_PER_SECOND_PER_CLIENT));
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
