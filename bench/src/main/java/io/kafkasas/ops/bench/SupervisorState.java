package io.kafkasas.ops.bench;

import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.supervisor.SupervisorTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the supervisor holds: its stores' live bytes, RocksDB on disk, heap after GC, RSS, punctuation time. */
final class SupervisorState {

    /** One measurement. */
    record Sample(int tasks, int agents, long taskStoreBytes, long agentStoreBytes, double rocksDbMiB,
                  double heapMiB, double rssMiB, double punctuateAvgMs, double punctuateMaxMs,
                  double punctuateRatio) {
    }

    private final Map<String, Object> kafka;
    private final Admin admin;
    private final String applicationId;
    private final Path stateDir;
    private final LocalApps apps;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    SupervisorState(Map<String, Object> kafka, Admin admin, String applicationId, Path stateDir, LocalApps apps) {
        this.kafka = kafka;
        this.admin = admin;
        this.applicationId = applicationId;
        this.stateDir = stateDir;
        this.apps = apps;
    }

    Sample sample(int tasks, int agents) throws Exception {
        long taskBytes = liveBytes(applicationId, SupervisorTopology.TASKS_STORE)
            + liveBytes(applicationId, SupervisorTopology.DEAD_AGENTS_STORE);
        // agent liveness is an application of its own (SupervisorConfig.livenessApplicationId)
        long agentBytes = liveBytes(applicationId + "-liveness", SupervisorTopology.AGENTS_STORE);
        long pid = apps.supervisor().pid();
        // a full GC first, so that the heap figure is what is live, not what is not yet collected
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
            "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        String metrics = get(apps.supervisorUrl() + "/metrics");
        return new Sample(tasks, agents, taskBytes, agentBytes, diskMiB(stateDir),
            metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"", Double::sum) / (1024 * 1024),
            FootprintCommand.rssMiB(pid), metric(metrics, "kafka_stream_thread_punctuate_latency_avg", "", Math::max),
            metric(metrics, "kafka_stream_thread_punctuate_latency_max", "", Math::max),
            metric(metrics, "kafka_stream_thread_punctuate_ratio", "", Math::max));
    }

    /** The bytes (key + value) of the latest record of every live key in a store's changelog. */
    private long liveBytes(String application, String store) throws Exception {
        String topic = application + "-" + store + "-changelog";
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<ByteBuffer, Integer> live = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        live.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        live.put(ByteBuffer.wrap(r.key()), r.key().length + r.value().length);
                    }
                }
            }
        }
        return live.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static double diskMiB(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum() / (1024.0 * 1024);
        }
    }

    /** Combines the values of every Prometheus sample of {@code name} with {@code label} in it; NaN if none. */
    static double metric(String exposition, String name, String label, DoubleBinaryOperator combine) {
        return exposition.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .filter(v -> !Double.isNaN(v)).reduce(combine).orElse(Double.NaN);
    }

    private String get(String url) throws IOException, InterruptedException {
        return http.send(apps.authorized(HttpRequest.newBuilder(URI.create(url))).timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }
}
