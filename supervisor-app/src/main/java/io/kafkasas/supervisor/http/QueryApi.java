package io.kafkasas.supervisor.http;

import com.sun.net.httpserver.HttpExchange;
import io.kafkasas.app.AppEndpoints;
import io.kafkasas.app.HttpApi;
import io.kafkasas.app.HttpApi.Response;
import io.kafkasas.app.HttpApi.Route;
import io.kafkasas.app.HttpSettings;
import io.kafkasas.app.streams.InstanceQueries;
import io.kafkasas.avro.HostHeartbeat;
import io.kafkasas.avro.SupervisedAgent;
import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.supervisor.SupervisorTopology;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * "Where is my task?" over Kafka Streams interactive queries, across instances: a key held by another instance is
 * fetched from it ({@code ?local=true} marks such a forwarded call), lists are gathered from every instance.
 * <ul>
 *   <li>{@code GET /tasks/{id}} — state, attempts, agent, error; 404 if unknown;</li>
 *   <li>{@code GET /tasks?state=RUNNING&type=&queue=&submitter=&agent=&limit=100&after=<task id>} — sorted by task
 *   id, paged by {@code after};</li>
 *   <li>{@code GET /agents} — state, last heartbeat, in-flight count, restarts; its host and who restarts it;</li>
 *   <li>{@code GET /summary} — tasks by state, agents by liveness, over every instance;</li>
 *   <li>{@code GET /hosts} — agent hosts: RUNNING, STOPPING, STOPPED or GONE (silent for the heartbeat timeout),
 *   and their slots (every instance holds every host: a global table).</li>
 * </ul>
 */
public final class QueryApi {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;
    private final KafkaStreams streams;
    private final KafkaStreams liveness;
    private final InstanceQueries instances;
    private final Duration hostTimeout;
    private final Clock clock;
    private final Supplier<Map<String, Map<String, Long>>> counts;

    /**
     * {@code streams}: the task state machine's application; {@code liveness}: agent liveness's; {@code http}: this
     * instance's HTTP settings, whose TLS and client token it uses to ask the other instances.
     */
    public QueryApi(KafkaStreams streams, KafkaStreams liveness, HostInfo self, Duration hostTimeout, Clock clock,
                    HttpSettings http, Supplier<Map<String, Map<String, Long>>> counts) {
        this.streams = streams;
        this.liveness = liveness;
        this.instances = new InstanceQueries(self, http);
        this.hostTimeout = hostTimeout;
        this.clock = clock;
        this.counts = counts;
    }

    public Map<String, Route> routes() {
        return Map.of("/tasks", whenReady(this::tasks), "/agents", whenReady(this::agents),
            "/hosts", whenReady(this::hosts), "/summary", whenReady(this::summary));
    }

    /**
     * Only GET (the API reads, it changes nothing), and a store that is restoring or migrating answers 503 (retry),
     * not 500 with a stack trace in the log.
     */
    private static Route whenReady(Route route) {
        return AppEndpoints.readOnly(InstanceQueries.whenReady("supervisor", route));
    }

    private Response tasks(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = InstanceQueries.query(exchange.getRequestURI());
        if (path.length() > "/tasks/".length()) {
            return task(URLDecoder.decode(path.substring("/tasks/".length()), StandardCharsets.UTF_8), query);
        }
        int limit = InstanceQueries.limit(query, DEFAULT_LIMIT, MAX_LIMIT);
        if (limit == 0) {
            return InstanceQueries.limitProblem(query, MAX_LIMIT);
        }
        String after = query.getOrDefault("after", "");
        List<Map<String, Object>> found = new ArrayList<>(InstanceQueries.smallest(streams,
            SupervisorTopology.TASKS_STORE, after, limit, TaskFilter.of(query)).stream().map(Views::task).toList());
        if (!query.containsKey("local")) {
            StringBuilder forwarded = new StringBuilder("/tasks?local=true&limit=" + limit + "&after="
                + InstanceQueries.encode(after));
            TaskFilter.FIELDS.stream().filter(query::containsKey).forEach(field -> forwarded.append('&').append(field)
                .append('=').append(InstanceQueries.encode(query.get(field))));
            for (HostInfo other : instances.others(streams)) {
                found.addAll(instances.fetchList(other, forwarded.toString(), "tasks"));
            }
        }
        return InstanceQueries.page(found, "taskId", "tasks", limit);
    }

    private Response task(String taskId, Map<String, String> query) throws IOException {
        Optional<HostInfo> holder = query.containsKey(InstanceQueries.LOCAL) ? Optional.empty()
            : instances.holderElsewhere(streams, SupervisorTopology.TASKS_STORE, taskId);
        if (holder.isPresent()) {
            return instances.forward(holder.get(), "/tasks/" + InstanceQueries.encode(taskId) + "?local=true");
        }
        Optional<SupervisedTask> task = tasksStore().map(store -> store.get(taskId));
        return task.map(t -> Response.json(200, Views.task(t)))
            .orElseGet(() -> Response.error(404, "No task " + taskId + " is known to the supervisor"));
    }

    /** Tasks by state and agents by liveness, summed over the instances: counts kept as tasks change, no scan. */
    private Response summary(HttpExchange exchange) throws IOException {
        Map<String, Map<String, Long>> total = new TreeMap<>();
        counts.get().forEach((what, byState) -> total.put(what, new TreeMap<>(byState)));
        if (!InstanceQueries.query(exchange.getRequestURI()).containsKey(InstanceQueries.LOCAL)) {
            for (HostInfo other : instances.others(streams, liveness)) {
                Response answer = instances.forward(other, "/summary?local=true");
                if (answer.status() != 200) {
                    throw new IOException("Instance " + other + " answered " + answer.status() + " to /summary");
                }
                HttpApi.JSON.readTree(answer.body()).fields().forEachRemaining(what -> what.getValue().fields()
                    .forEachRemaining(state -> total.computeIfAbsent(what.getKey(), k -> new TreeMap<>())
                        .merge(state.getKey(), state.getValue().asLong(), Long::sum)));
            }
        }
        return Response.json(200, total);
    }

    private Response agents(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        agentsStore().ifPresent(store -> {
            try (KeyValueIterator<String, SupervisedAgent> all = store.all()) {
                all.forEachRemaining(a -> found.add(Views.agent(a.value)));
            }
        });
        if (!InstanceQueries.query(exchange.getRequestURI()).containsKey("local")) {
            for (HostInfo other : instances.others(liveness)) {
                found.addAll(instances.fetchList(other, "/agents?local=true", "agents"));
            }
            Map<String, HostHeartbeat> hosts = new HashMap<>();
            allHosts().forEach(h -> hosts.put(h.getHostId(), h));
            Instant now = clock.instant();
            found.forEach(a -> Views.addHost(a, hosts.get((String) a.get("hostId")), now, hostTimeout));
        }
        found.sort(Comparator.comparing(a -> (String) a.get("agentId")));
        return Response.json(200, Map.of("agents", found));
    }

    private Response hosts(HttpExchange exchange) {
        Instant now = clock.instant();
        return Response.json(200, Map.of("hosts", allHosts().stream()
            .sorted(Comparator.comparing(HostHeartbeat::getHostId)).map(h -> Views.host(h, now, hostTimeout))
            .toList()));
    }

    private List<HostHeartbeat> allHosts() {
        List<HostHeartbeat> hosts = new ArrayList<>();
        InstanceQueries.<HostHeartbeat>store(liveness, SupervisorTopology.HOSTS_STORE).ifPresent(store -> {
            try (KeyValueIterator<String, HostHeartbeat> all = store.all()) {
                all.forEachRemaining(h -> hosts.add(h.value));
            }
        });
        return hosts;
    }

    private Optional<ReadOnlyKeyValueStore<String, SupervisedTask>> tasksStore() {
        return InstanceQueries.store(streams, SupervisorTopology.TASKS_STORE);
    }

    private Optional<ReadOnlyKeyValueStore<String, SupervisedAgent>> agentsStore() {
        return InstanceQueries.store(liveness, SupervisorTopology.AGENTS_STORE);
    }
}
