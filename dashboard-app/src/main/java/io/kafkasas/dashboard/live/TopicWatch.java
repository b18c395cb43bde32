package io.kafkasas.dashboard.live;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.TopicReader;
import io.kafkasas.ctl.deadletters.DeadLetterLog;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one consumer without a group (nothing is committed): task requests and statuses from their end, for
 * the live rates; dead letters from the beginning, for the dead-letter page. A record it cannot decode is skipped
 * (the apps that own these topics dead-letter them; the dashboard only looks).
 */
public final class TopicWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicWatch.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final CtlConfig config;
    private final Rates rates;
    private final DeadLetterShelf deadLetters;
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean watching;

    public TopicWatch(CtlConfig config, Rates rates, DeadLetterShelf deadLetters) {
        this.config = config;
        this.rates = rates;
        this.deadLetters = deadLetters;
        this.thread = new Thread(this::run, "dashboard-topic-watch");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether it reads the topics (false until it found them, and after Kafka failed it until it recovers). */
    public boolean watching() {
        return watching;
    }

    private void run() {
        TopicNames names = config.topicNames();
        Deserializer<TaskStatus> statuses = config.topics().taskStatus().valueSerde().deserializer();
        Deserializer<DeadLetter> letters = config.topics().deadLetters().valueSerde().deserializer();
        while (running) {
            try (KafkaConsumer<byte[], byte[]> opened = TopicReader.open(config)) {
                consumer = opened;
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(names.taskRequests(), names.taskStatus(), names.deadLetters())) {
                    partitions.addAll(TopicReader.assignAll(opened, topic));
                }
                opened.assign(partitions);
                opened.seekToEnd(partitions.stream().filter(p -> !p.topic().equals(names.deadLetters())).toList());
                opened.seekToBeginning(partitions.stream().filter(p -> p.topic().equals(names.deadLetters()))
                    .toList());
                watching = true;
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : opened.poll(POLL)) {
                        take(record, names, statuses, letters);
                    }
                }
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                watching = false;
                LOG.warn("Cannot watch the topics ({}); trying again in {} s", e.toString(), RETRY.toSeconds());
                pause();
            }
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record, TopicNames names, Deserializer<TaskStatus> statuses,
                      Deserializer<DeadLetter> letters) {
        if (record.topic().equals(names.deadLetters())) {
            deadLetters.add(DeadLetterLog.decode(letters, record));
        } else if (record.topic().equals(names.taskRequests())) {
            rates.submitted(record.timestamp());
        } else if (record.value() != null) {
            try {
                TaskStatus status = statuses.deserialize(record.topic(), record.value());
                rates.status(status.getStatus(), record.timestamp());
            } catch (UndecodableRecordException e) {
                LOG.debug("Skipped an undecodable status at {}-{}@{}", record.topic(), record.partition(),
                    record.offset());
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
