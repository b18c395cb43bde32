package io.kafkasas.app.streams;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries across the instances of a Streams app: each instance advertises its HTTP address as
 * {@code application.server}; a key held by another instance is fetched from it ({@code ?local=true} marks such a
 * forwarded call, which is answered from the local store only), and lists are gathered from every instance. Calls
 * to the others carry this instance's client token and use its TLS settings.
 */
public final class InstanceQueries {

    /** The query parameter of a forwarded call. */
    public static final String LOCAL = "local";
    private final HostInfo self;
    private final HttpClient http;
    private final String scheme;
    private final String credential;

    public InstanceQueries(HostInfo self, HttpSettings settings) {
        this.self = self;
        this.credential = settings.auth().clientAuthorization();
        this.http = settings.client().connectTimeout(Duration.ofSeconds(5)).build();
        this.scheme = settings.scheme();
    }

    /**
     * The address this instance advertises: {@code advertised} if set, else the bound host (the machine's name when
     * bound to all addresses), on the configured port or, for port 0, a free one chosen now.
     */
    public static HostInfo self(HttpSettings settings, String advertised) {
        int port = settings.port() != 0 ? settings.port() : HttpSettings.freePort(settings.host());
        return new HostInfo(advertised.isEmpty() ? advertisedHost(settings.host()) : advertised, port);
    }

    private static String advertisedHost(String bound) {
        if (!"0.0.0.0".equals(bound)) {
            return bound;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public HostInfo self() {
        return self;
    }

    /** A store that is restoring or migrating answers 503 (retry), not 500 with a stack trace in the log. */
    public static Route whenReady(String app, Route route) {
        return exchange -> {
            try {
                return route.handle(exchange);
            } catch (InvalidStateStoreException e) {
                return Response.error(503, "The " + app + "'s state is not queryable yet (" + e.getMessage()
                    + "); retry shortly");
            }
        };
    }

    /** The other instance that holds {@code key} of {@code store} as active, if another does. */
    public Optional<HostInfo> holderElsewhere(KafkaStreams app, String store, String key) {
        KeyQueryMetadata where = app.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (where != null && where.activeHost() != null && !where.activeHost().equals(self)
                && where.activeHost().port() > 0) {
            return Optional.of(where.activeHost());
        }
        return Optional.empty();
    }

    /** The other instances of {@code apps} (the applications of one process advertise the same address). */
    public List<HostInfo> others(KafkaStreams... apps) {
        return Arrays.stream(apps).flatMap(app -> app.metadataForAllStreamsClients().stream())
            .map(StreamsMetadata::hostInfo).filter(h -> !h.equals(self) && h.port() > 0).distinct().toList();
    }

    public static <V> Optional<ReadOnlyKeyValueStore<String, V>> store(KafkaStreams app, String name) {
        try {
            return Optional.of(app.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<String, V>keyValueStore())));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /** {@code GET path} on {@code host} with this instance's credential; see {@link #forward(HostInfo, String,
     * String, byte[], String)}. */
    public Response forward(HostInfo host, String path) throws IOException {
        return forward(host, "GET", path, new byte[0], credential);
    }

    /**
     * {@code method path} with a JSON {@code body} on {@code host}, with the caller's {@code authorization} (a change
     * is made with the rights of who asked for it, not this instance's); its answer as it came, but a refused
     * credential becomes a 502.
     */
    public Response forward(HostInfo host, String method, String path, byte[] body, String authorization)
            throws IOException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + host.host() + ":"
                + host.port() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            if (authorization != null) {
                request.header(Wire.AUTHORIZATION, authorization);
            }
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() == 401 || answer.statusCode() == 403) {
                return Response.error(502, "Instance " + host + " refused " + (authorization == credential
                    ? "this instance's credential (" + HttpAuth.CLIENT_TOKEN + ", which needs the read role there)"
                    : "the caller's credential") + ": " + answer.statusCode());
            }
            return new Response(answer.statusCode(), "application/json", answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(503, "Interrupted while asking " + host);
        }
    }

    /** The list in {@code field} of {@code host}'s answer to {@code GET path}. */
    public List<Map<String, Object>> fetchList(HostInfo host, String path, String field) throws IOException {
        Response answer = forward(host, path);
        if (answer.status() != 200) {
            throw new IOException("Instance " + host + " answered " + answer.status() + " to " + path);
        }
        return HttpApi.JSON.convertValue(HttpApi.JSON.readTree(answer.body()).get(field),
            new TypeReference<List<Map<String, Object>>>() { });
    }

    /**
     * The page size a list call asks for: its {@code limit} parameter from 1 to {@code max}, {@code fallback} when
     * it has none, and 0 when it is not such a number (answer 400 with {@link #limitProblem}).
     */
    public static int limit(Map<String, String> query, int fallback, int max) {
        try {
            int limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(fallback)));
            return limit < 1 || limit > max ? 0 : limit;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The 400 for a {@code limit} that {@link #limit} refused. */
    public static Response limitProblem(Map<String, String> query, int max) {
        return Response.error(400, "limit must be a whole number from 1 to " + max + ", was '" + query.get("limit")
            + "'");
    }

    /**
     * The answer to a list call: the first {@code limit} of {@code found} (gathered from the instances) by their
     * {@code idField}, under {@code listField}, and {@code next}: the id to pass as {@code after} for the next page,
     * null on the last.
     */
    public static Response page(List<Map<String, Object>> found, String idField, String listField, int limit) {
        List<Map<String, Object>> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(item -> (String) item.get(idField)));
        List<Map<String, Object>> page = sorted.subList(0, Math.min(limit, sorted.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(listField, page);
        body.put("next", page.size() == limit ? page.get(page.size() - 1).get(idField) : null);
        return Response.json(200, body);
    }

    /** How a list call reads a store: its path and list field, the id field of its items, its page sizes. */
    public record Listing(String path, String listField, String idField, int defaultLimit, int maxLimit) {
    }

    /**
     * The answer to {@code GET listing.path?limit=&after=}: the first entries after {@code after} in id order, each
     * as {@code view} makes it, from this instance's {@code storeName} and, unless the call was forwarded
     * ({@code local}), from every other instance's; then {@link #page}.
     */
    public <V> Response list(KafkaStreams app, String storeName, Map<String, String> query, Listing listing,
                             Function<V, Map<String, Object>> view) throws IOException {
        int limit = limit(query, listing.defaultLimit(), listing.maxLimit());
        if (limit == 0) {
            return limitProblem(query, listing.maxLimit());
        }
        String after = query.getOrDefault("after", "");
        List<Map<String, Object>> found = new ArrayList<>();
        InstanceQueries.<V>smallest(app, storeName, after, limit, value -> true)
            .forEach(value -> found.add(view.apply(value)));
        if (!query.containsKey(LOCAL)) {
            for (HostInfo other : others(app)) {
                found.addAll(fetchList(other, listing.path() + "?" + LOCAL + "=true&limit=" + limit + "&after="
                    + encode(after), listing.listField()));
            }
        }
        return page(found, listing.idField(), listing.listField(), limit);
    }

    /**
     * The values of the first {@code limit} keys after {@code after} that {@code matching} accepts, from this
     * instance's partitions of {@code storeName}. Each partition's store is sorted by key, so each is read only until
     * it gave {@code limit} matches: a page costs partitions x limit reads however many entries the stores hold
     * (more when few entries match).
     */
    public static <V> Collection<V> smallest(KafkaStreams app, String storeName, String after, int limit,
                                             Predicate<V> matching) {
        TreeMap<String, V> smallest = new TreeMap<>();
        for (ReadOnlyKeyValueStore<String, V> partition : InstanceQueries.<V>partitions(app, storeName)) {
            int taken = 0;
            try (KeyValueIterator<String, V> range = partition.range(after + "\u0000", null)) {
                while (taken < limit && range.hasNext()) {
                    KeyValue<String, V> entry = range.next();
                    if (matching.test(entry.value)) {
                        smallest.put(entry.key, entry.value);
                        taken++;
                    }
                }
            } catch (InvalidStateStoreException e) {
                // the partition moved away while read: another instance answers for it
            }
        }
        while (smallest.size() > limit) {
            smallest.pollLastEntry();
        }
        return smallest.values();
    }

    /** This instance's active partitions of {@code storeName}, each a store of its own. */
    private static <V> List<ReadOnlyKeyValueStore<String, V>> partitions(KafkaStreams app, String storeName) {
        List<ReadOnlyKeyValueStore<String, V>> stores = new ArrayList<>();
        Set<Integer> partitions = new TreeSet<>();
        app.metadataForLocalThreads().forEach(thread -> thread.activeTasks()
            .forEach(task -> partitions.add(task.taskId().partition())));
        for (int partition : partitions) {
            try {
                stores.add(app.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition)));
            } catch (InvalidStateStoreException e) {
                // no such partition of this store here (a task of another sub-topology), or not ready
            }
        }
        return stores;
    }

    /** The query parameters of {@code uri}, decoded (see {@link HttpApi#query}). */
    public static Map<String, String> query(URI uri) {
        return HttpApi.query(uri);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
