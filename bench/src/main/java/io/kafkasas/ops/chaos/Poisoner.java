package io.kafkasas.ops.chaos;

import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.deadletters.DeadLetterLog;
import io.kafkasas.ctl.deadletters.DeadLetterLog.Entry;
import io.kafkasas.ops.chaos.Fault.Kind;
import io.kafkasas.ops.chaos.PoisonRecords.Poison;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The chaos run's POISON fault: one bad record of a random kind on a random topic, written with a plain producer;
 * detected once each of its readers has dead-lettered it with the reason it must give.
 */
final class Poisoner implements AutoCloseable {

    private static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(90);

    /** A poison record as written: where it landed. */
    record Sent(Poison poison, long offset) {
    }

    private final List<Poison> kinds;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterLog letters;
    private final List<Sent> sent = new ArrayList<>();

    Poisoner(CtlConfig config, String agentId) {
        this.kinds = PoisonRecords.all(config.topicNames(), new AvroSerdes(SchemaRegistryClients.create(
            config.schemaRegistry()), true), agentId);
        this.producer = new KafkaProducer<>(Map.copyOf(config.kafkaProperties()), new ByteArraySerializer(),
            new ByteArraySerializer());
        this.letters = new DeadLetterLog(config);
    }

    Fault inject(Random random, long at, Executor watchers) {
        Poison poison = kinds.get(random.nextInt(kinds.size()));
        long begin = System.nanoTime();
        Sent one;
        try {
            one = new Sent(poison, producer.send(poison.record()).get().offset());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not write " + poison, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing " + poison, e);
        }
        sent.add(one);
        return new Fault(Kind.POISON, poison.toString(), at,
            CompletableFuture.supplyAsync(() -> awaitLetters(one, begin), watchers));
    }

    private long awaitLetters(Sent one, long begin) {
        long deadline = begin + DETECTION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (wrong(one) == null) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** What is wrong with the letters of a poison record (null if nothing): none, too many, the wrong reason. */
    private String wrong(Sent one) {
        List<Entry> found = letters.read(e -> e.letter() != null && e.letter().getSourceOffset() == one.offset()
            && e.letter().getSourceTopic().equals(one.poison().topic()));
        if (found.size() != one.poison().readers()) {
            return found.size() + " dead letter(s), not " + one.poison().readers();
        }
        return found.stream().allMatch(e -> e.letter().getReason() == one.poison().reason()) ? null
            : "reasons " + found.stream().map(e -> e.letter().getReason()).toList() + ", not " + one.poison().reason();
    }

    /** Every poison record written whose readers did not dead-letter it exactly once, with what is wrong. */
    List<String> notDeadLetteredOnce() {
        List<String> problems = new ArrayList<>();
        for (Sent one : sent) {
            String wrong = wrong(one);
            if (wrong != null) {
                problems.add(one.poison() + " @" + one.offset() + ": " + wrong);
            }
        }
        return problems;
    }

    int count() {
        return sent.size();
    }

    @Override
    public void close() {
        producer.close();
    }
}
