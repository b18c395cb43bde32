package io.kafkasas.ops.fuzz;

import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.deadletters.DeadLetterLog;
import io.kafkasas.fuzz.Mutator;
import io.kafkasas.ops.chaos.PoisonRecords;
import io.kafkasas.ops.chaos.PoisonRecords.Sample;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.serde.AvroSerdes;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Mutated records on every topic that has a reader: a valid record of the topic damaged at random (bits, length,
 * schema id, random bytes, nothing). Whether a record can be decoded is known here, by the readers' own
 * deserializer; one that cannot must come back as a dead letter from each of its readers, with the same reason.
 */
final class RecordFuzz implements AutoCloseable {

    /** A mutated record as written, and the dead letter its readers owe (null: it decodes, anything may follow). */
    record Sent(String topic, int partition, long offset, DeadLetterReason owed, int readers) {
    }

    private final List<Sample> samples;
    private final Map<String, Deserializer<?>> readers = new HashMap<>();
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterLog letters;
    private final List<Sent> sent = new ArrayList<>();
    private final String commands;

    RecordFuzz(CtlConfig config, String agentId) {
        AvroSerdes serdes = new AvroSerdes(SchemaRegistryClients.create(config.schemaRegistry()), true);
        this.samples = PoisonRecords.samples(config.topicNames(), serdes, agentId);
        this.producer = new KafkaProducer<>(Map.copyOf(config.kafkaProperties()), new ByteArraySerializer(),
            new ByteArraySerializer());
        this.letters = new DeadLetterLog(config);
        this.commands = config.topicNames().agentCommands();
        // the readers' own deserializers, on the registry the apps use
        config.topics().all().forEach(t -> readers.put(t.name(), t.valueSerde().deserializer()));
    }

    /** Writes one mutated record, from {@code mutator}'s next choices. */
    void send(Mutator mutator) {
        Sample sample = samples.get(mutator.nextInt(samples.size()));
        byte[] value = mutator.nextInt(20) == 0 ? null : mutator.mutate(sample.value());
        DeadLetterReason owed = value == null && !sample.tombstoneIsPoison() ? null : owed(sample.topic(), value);
        // a command that still decodes is a command, and is obeyed (a DRAIN, a RESTART): only the supervisor may
        // write them, so only undecodable ones are sent
        for (int tries = 0; owed == null && sample.topic().equals(commands) && tries < 20; tries++) {
            value = mutator.mutate(sample.value());
            owed = owed(sample.topic(), value);
        }
        if (owed == null && sample.topic().equals(commands)) {
            return;
        }
        try {
            RecordMetadata written = producer.send(new ProducerRecord<>(sample.topic(),
                sample.key().getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
            sent.add(new Sent(sample.topic(), written.partition(), written.offset(), owed, sample.readers()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not write a fuzzed record to " + sample.topic() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** The reason the readers must give, as their own deserializer finds it; null when the record decodes. */
    private DeadLetterReason owed(String topic, byte[] value) {
        if (value == null) {
            return DeadLetterReason.UNDECODABLE; // a tombstone means nothing on these topics
        }
        try {
            readers.get(topic).deserialize(topic, value);
            return null;
        } catch (UndecodableRecordException e) {
            return e.reason();
        }
    }

    /** Records written, by topic. */
    Map<String, Long> sentByTopic() {
        Map<String, Long> counts = new TreeMap<>();
        sent.forEach(s -> counts.merge(s.topic(), 1L, Long::sum));
        return counts;
    }

    /** Records that could not be decoded, by topic: each owes a dead letter per reader. */
    Map<String, Long> owedByTopic() {
        Map<String, Long> counts = new TreeMap<>();
        sent.stream().filter(s -> s.owed() != null).forEach(s -> counts.merge(s.topic(), 1L, Long::sum));
        return counts;
    }

    /**
     * Waits up to {@code timeout} for every owed dead letter; returns the records still without theirs (or with too
     * many, or another reason), each with what is wrong.
     */
    List<String> missingLetters(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems;
        do {
            Map<String, List<DeadLetterReason>> found = new HashMap<>();
            letters.read(e -> e.letter() != null).forEach(e -> found.computeIfAbsent(e.letter().getSourceTopic()
                + "-" + e.letter().getSourcePartition() + "@" + e.letter().getSourceOffset(), k -> new ArrayList<>())
                .add(e.letter().getReason()));
            problems = new ArrayList<>();
            for (Sent one : sent) {
                if (one.owed() == null) {
                    continue;
                }
                List<DeadLetterReason> reasons = found.getOrDefault(one.topic() + "-" + one.partition() + "@"
                    + one.offset(), List.of());
                if (reasons.size() != one.readers() || reasons.stream().anyMatch(r -> r != one.owed())) {
                    problems.add(one.topic() + "-" + one.partition() + "@" + one.offset() + ": " + reasons
                        + ", not " + one.readers() + " x " + one.owed());
                }
            }
            if (!problems.isEmpty()) {
                TimeUnit.SECONDS.sleep(2);
            }
        } while (!problems.isEmpty() && System.nanoTime() < deadline);
        return problems;
    }

    @Override
    public void close() {
        producer.close();
    }
}
