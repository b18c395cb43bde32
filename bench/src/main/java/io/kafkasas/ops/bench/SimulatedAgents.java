package io.kafkasas.ops.bench;

import io.kafkasas.avro.AgentHeartbeat;
import io.kafkasas.avro.AgentState;
import io.kafkasas.avro.InFlightTask;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.topics.TopicNames;
import io.kafkasas.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents that exist only as records: each heartbeats on schedule (with its in-flight list, as a real agent does)
 * and has started tasks that never end. The supervisor cannot tell them from real ones, so its state and its
 * punctuations can be measured at a scale this machine could not run as processes.
 */
final class SimulatedAgents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgents.class);
    private static final String HOST = "sim";

    private final KafkaProducer<String, SpecificRecord> producer;
    /** Heartbeats on a producer of their own, as real agents send them: never behind a burst of statuses. */
    private final KafkaProducer<String, SpecificRecord> beats;
    private final Topics topics;
    private final String queue = TopicNames.DEFAULT_QUEUE;
    private final long incarnation = System.currentTimeMillis();
    /** Agent id to the attempts it runs; guarded by this. */
    private final Map<String, List<InFlightTask>> agents = new HashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-heartbeats");
        t.setDaemon(true);
        return t;
    });
    private long sequence;

    SimulatedAgents(Map<String, Object> kafka, Topics topics, Duration heartbeatInterval) {
        this.topics = topics;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Map<String, Serializer<? extends SpecificRecord>> byTopic = Map.of(
            topics.heartbeats().name(), topics.heartbeats().valueSerde().serializer(),
            topics.taskStatus().name(), topics.taskStatus().valueSerde().serializer(),
            topics.tasks(queue).name(), topics.tasks(queue).valueSerde().serializer());
        Serializer<SpecificRecord> values = (topic, value) -> serialize(byTopic.get(topic), topic, value);
        producer = new KafkaProducer<>(props, new StringSerializer(), values);
        beats = new KafkaProducer<>(props, new StringSerializer(), values);
        heartbeats.scheduleAtFixedRate(this::beat, 0, heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    private static byte[] serialize(Serializer<? extends SpecificRecord> serializer, String topic,
                                    SpecificRecord value) {
        return ((Serializer<SpecificRecord>) serializer).serialize(topic, value);
    }

    synchronized int agentCount() {
        return agents.size();
    }

    /** Grows to {@code count} agents ({@code sim-1} ...). */
    synchronized void growTo(int count) {
        for (int i = agents.size() + 1; i <= count; i++) {
            agents.put("sim-" + i, new ArrayList<>());
        }
    }

    /**
     * Starts {@code count} new tasks at {@code perSecond}, spread over the agents in turn: task events first, then
     * their STARTED. Paced, as real agents start tasks: a burst of tens of thousands at one instant is a load test
     * of its own (docs/benchmarks.md, "Scale").
     */
    void startTasks(int count, int perSecond) throws InterruptedException {
        List<String> ids = new ArrayList<>(count);
        Instant now = Instant.now();
        RetryPolicy retries = RetryPolicy.newBuilder().build();
        long begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pace(i, perSecond, begin);
            String id = UUID.randomUUID().toString();
            ids.add(id);
            producer.send(new ProducerRecord<>(topics.tasks(queue).name(), id, TaskEvent.newBuilder()
                .setTaskId(id).setAttempt(1).setQueue(queue).setType("noop").setRetryPolicy(retries)
                .setSubmittedAt(now).setEmittedAt(now).build()));
        }
        producer.flush();
        List<String> agentIds;
        synchronized (this) {
            agentIds = new ArrayList<>(agents.keySet());
        }
        begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pace(i, perSecond, begin);
            Instant started = Instant.now();
            String id = ids.get(i);
            String agent = agentIds.get(i % agentIds.size());
            synchronized (this) {
                agents.get(agent).add(InFlightTask.newBuilder().setTaskId(id).setAttempt(1).setStartedAt(started)
                    .build());
            }
            producer.send(new ProducerRecord<>(topics.taskStatus().name(), id, TaskStatus.newBuilder()
                .setTaskId(id).setAttempt(1).setStatus(TaskStatusType.STARTED).setTimestamp(started)
                .setAgentId(agent).setIncarnation(incarnation).setQueue(queue).setType("noop").build()));
        }
        producer.flush();
    }

    /** Waits until the {@code i}-th record's turn at {@code perSecond}, checking every tenth of a second's worth. */
    private static void pace(int i, int perSecond, long begin) throws InterruptedException {
        if (i % Math.max(1, perSecond / 10) == 0) {
            long due = begin + (long) i * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    private void beat() {
        try {
            Instant now = Instant.now();
            synchronized (this) {
                sequence++;
                agents.forEach((agent, inFlight) -> beats.send(new ProducerRecord<>(topics.heartbeats().name(),
                    agent, AgentHeartbeat.newBuilder().setAgentId(agent).setHostId(HOST).setIncarnation(incarnation)
                        .setSequence(sequence).setTimestamp(now).setState(AgentState.RUNNING)
                        .setQueues(List.of(queue)).setCapacity(Math.max(1, inFlight.size())).setFreeSlots(0)
                        .setInFlight(new ArrayList<>(inFlight)).build())));
            }
        } catch (RuntimeException e) {
            LOG.warn("Simulated heartbeats failed; trying again on schedule", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        heartbeats.shutdownNow();
        heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(10));
        beats.close(Duration.ofSeconds(10));
    }
}
