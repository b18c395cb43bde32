package io.kafkasas.agent.host;

import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.PrometheusText;
import io.kafkasas.app.Role;
import io.kafkasas.schemas.Wire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@code /metrics} speaks for its agents too: a scrape of the host is one of the host and of every
 * running agent, each agent's series labelled {@code agent="<id>"}. One scrape target per host is what a pod
 * annotation or a compose service can name; the agents' own ports are private to the host.
 */
final class AgentScrapes {

    private static final Logger LOG = LoggerFactory.getLogger(AgentScrapes.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final HttpClient http;
    private final String scheme;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    /** The host's own credential for its agents' metrics, made at start and given only to them. */
    private final String token = HttpAuth.newToken();

    /** {@code settings}: the agents' HTTP settings (they are the host's), for their TLS. */
    AgentScrapes(HttpSettings settings) {
        this.http = settings.client().connectTimeout(TIMEOUT).build();
        this.scheme = settings.scheme();
    }

    /**
     * The {@value HttpAuth#TOKENS} an agent is started with: the {@code configured} ones (may be null) and the
     * host's, with the read role.
     */
    String agentTokens(String configured) {
        String own = HttpAuth.entry("agent-host", Set.of(Role.READ), token);
        return configured == null || configured.isBlank() ? own : configured + "\n" + own;
    }

    /**
     * The port agent {@code agentId} is told to serve on: {@code configured}, or one free on {@code host} when that
     * is 0.
     */
    int portFor(String agentId, int configured, String host) {
        int port = configured != 0 ? configured : HttpSettings.freePort(host);
        ports.put(agentId, port);
        return port;
    }

    /** The host's own exposition with those of {@code running} agents merged in; an agent that fails is left out. */
    String scrape(String own, List<String> running) {
        List<CompletableFuture<PrometheusText.Source>> asked = new ArrayList<>();
        for (String agentId : running) {
            Integer port = ports.get(agentId);
            if (port != null) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/metrics"))
                    .header(Wire.AUTHORIZATION, Wire.bearer(token)).timeout(TIMEOUT).build();
                asked.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r.statusCode() == 200 ? new PrometheusText.Source("agent", agentId, r.body())
                        : null)
                    .exceptionally(e -> {
                        LOG.debug("Agent {} did not answer its metrics scrape: {}", agentId, e.toString());
                        return null;
                    }));
            }
        }
        List<PrometheusText.Source> sources = new ArrayList<>();
        asked.forEach(a -> {
            PrometheusText.Source source = a.join();
            if (source != null) {
                sources.add(source);
            }
        });
        return PrometheusText.merge(own, sources);
    }
}
