package io.kafkasas.scheduler;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.testkit.ManualClock;
import io.kafkasas.testkit.UniqueNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The scheduler's whole topology in a {@link TopologyTestDriver}, on a clock of the test's own (the processors' now
 * and the wall clock move together), with the timers checked every 100 ms.
 */
public final class SchedulerDriver implements AutoCloseable {

    private final ManualClock clock;
    private final Topics topics;
    private final Topology topology;
    private final TopologyTestDriver driver;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** {@code settings} over the defaults: queues default (and what they name), a mock registry. */
    public SchedulerDriver(Path stateDir, ManualClock clock, Map<String, String> settings) {
        Contracts.trust();
        this.clock = clock;
        Map<String, String> all = new HashMap<>(Map.of("queues", "default",
            SchemaRegistryConfig.URL, "mock://" + UniqueNames.of("scheduler"),
            SchedulerConfig.DELAY_CHECK_INTERVAL_MS, "100"));
        all.putAll(settings);
        SchedulerConfig config = SchedulerConfig.of(all);
        this.topics = config.shared().topics();
        this.topology = SchedulerTopology.build(config, topics, new SchedulerTopology.Partitions(1, 1, 1), meters,
            clock, IdleCommits.off());
        Properties props = new Properties();
        props.putAll(config.streamsProperties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.driver = new TopologyTestDriver(topology, props, clock.instant());
    }

    public Topics topics() {
        return topics;
    }

    public Topology topology() {
        return topology;
    }

    /** What the topology's processors counted. */
    public SimpleMeterRegistry meters() {
        return meters;
    }

    public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** {@code topic} for bytes of one's own. */
    public TestInputTopic<byte[], byte[]> raw(Topic<?, ?> topic) {
        return driver.createInputTopic(topic.name(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    }

    public <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Moves the clock and the wall clock on by {@code by}: due punctuations run. */
    public void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
    }
}
