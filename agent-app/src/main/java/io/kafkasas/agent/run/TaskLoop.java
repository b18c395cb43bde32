package io.kafkasas.agent.run;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.registry.SchemaRegistryException;
import io.kafkasas.schemas.serde.DeadLetters;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.serde.UnprocessableRecordException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent loop: the one thread that owns the task consumer and the transactional producer.
 * <ol>
 *   <li>Pause every partition while the pool is full or the agent drains; resume when a slot frees. Of the
 *       others, fetch only for those of which nothing read waits, so that each lane's first records wait side by
 *       side, few of them.</li>
 *   <li>Poll; start no more records than there are free slots, those of higher priority lanes first
 *       ({@link LanePicker}); the rest wait, not started and not committed (a partition that moves to another
 *       agent is read again there from its committed offset).</li>
 *   <li>Decode and check each; a poison record (undecodable, a tombstone, a key that is not its task's) becomes a
 *       dead letter; a task already past its deadline is reported TIMED_OUT instead of being run.</li>
 *   <li>In one transaction: a STARTED status per task, the dead letters, and the consumed offsets.</li>
 *   <li>Only after the commit, hand the tasks to the worker pool; if the transaction fails, nothing runs and the
 *       records are read again.</li>
 * </ol>
 * When the loop ends it leaves the consumer group at once (running tasks go on), so the agent's partitions move
 * to the other agents without waiting for a session timeout.
 */
public final class TaskLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

    /** What ended the loop. */
    public enum End { STOPPED, FENCED, FAILED }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], IndexedRecord> transactions;
    private final Deserializer<TaskEvent> events;
    private final Runner runner;
    private final Reporter reporter;
    private final List<String> topics;
    private final java.util.function.Consumer<DeadLetter> deadLettered;
    private final LanePicker picker;
    /** Records read and not started, per partition, in order. */
    private final Map<TopicPartition, Deque<ConsumerRecord<byte[], byte[]>>> waiting = new LinkedHashMap<>();
    private int waitingCount;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean draining;
    /** Whether the loop has left the group (draining). */
    private boolean left;
    private volatile boolean paused;
    private volatile End end = End.STOPPED;

    public TaskLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], IndexedRecord> transactions,
                    Deserializer<TaskEvent> events, Runner runner, Reporter reporter, List<String> topics,
                    LanePicker picker, java.util.function.Consumer<DeadLetter> deadLettered) {
        this.consumer = consumer;
        this.transactions = transactions;
        this.events = events;
        this.runner = runner;
        this.reporter = reporter;
        this.topics = topics;
        this.deadLettered = deadLettered;
        this.picker = picker;
    }

    @Override
    public void run() {
        try {
            transactions.initTransactions();
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // read from the committed offsets
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    forget(partitions);
                }
            });
            while (!stopping) {
                if (draining) {
                    leaveGroup();
                    awaitStop(POLL);
                    continue;
                }
                pauseOrResume();
                try {
                    // with records waiting and slots free, only what is already fetched: the start is not delayed
                    read(consumer.poll(waitingCount > 0 && runner.freeSlots() > 0 ? Duration.ZERO : POLL));
                    take();
                } catch (WakeupException e) {
                    // a slot freed (or stop): go round again
                } catch (ApplicationRecoverableException | FencedMemberEpochException | RebalanceInProgressException
                         | RetriableException e) {
                    // the group moved on without this member (a pause, a broker away): the consumer joins again
                    // and the partitions it gets are read from their committed offsets
                    LOG.warn("Lost the group for a moment ({}); joining it again", e.toString());
                    awaitStop(POLL);
                }
            }
        } catch (ProducerFencedException e) {
            LOG.error("Another process took over this agent's transactional id ({}); this one stops", e.toString());
            end = End.FENCED;
        } catch (RuntimeException e) {
            LOG.error("The agent loop failed; the agent stops", e);
            end = End.FAILED;
        } finally {
            closeConsumer();
            done.countDown();
        }
    }

    /** Leaves the group at once, so the partitions move to other agents while running tasks finish here. */
    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (KafkaException e) {
            LOG.warn("Could not leave the consumer group cleanly: {}", e.toString());
        }
    }

    /** Step 1. The flag is set before the re-check, so a slot freed in between always wakes the poll. */
    private void pauseOrResume() {
        boolean full = draining || runner.freeSlots() <= 0;
        if (full) {
            paused = true;
            if (draining || runner.freeSlots() <= 0) {
                consumer.pause(consumer.assignment());
                return;
            }
        }
        paused = false;
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> hold = new HashSet<>(); // a partition is read again once nothing of it waits
        waiting.forEach((partition, records) -> {
            if (!records.isEmpty() && assigned.contains(partition)) {
                hold.add(partition);
            }
        });
        Set<TopicPartition> resume = new HashSet<>(consumer.paused());
        resume.removeAll(hold);
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        if (!hold.isEmpty()) {
            consumer.pause(hold);
        }
    }

    private void read(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            waiting.computeIfAbsent(partition, p -> new ArrayDeque<>()).addAll(polled);
            waitingCount += polled.size();
        }
    }

    /** What was read of these partitions is no longer this agent's to start (revoked), or is to be read again. */
    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Deque<ConsumerRecord<byte[], byte[]>> dropped = waiting.remove(partition);
            waitingCount -= dropped == null ? 0 : dropped.size();
        }
    }

    private void take() {
        // 2. start at most the free slots, the higher lanes first; the rest waits
        int free = draining ? 0 : runner.freeSlots();
        if (free <= 0 || waitingCount == 0) {
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> taken = picker.pick(waiting, free);
        waitingCount -= taken.size();
        Map<TopicPartition, Long> firstTaken = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : taken) {
            firstTaken.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        List<TaskEvent> decoded;
        try {
            decoded = decodeAndStart(taken);
        } catch (ProducerFencedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isOutage(e)) { // the transaction has not begun: nothing to abort
                LOG.warn("Schema registry unavailable ({}); reading these tasks again in {} ms", e.getMessage(),
                    REGISTRY_BACKOFF.toMillis());
                readAgain(firstTaken);
                awaitStop(REGISTRY_BACKOFF);
                return;
            }
            if (!(e instanceof KafkaException)) {
                throw e;
            }
            // InvalidProducerEpochException too: the coordinator aborted the transaction itself (it outlived
            // transaction.timeout.ms, as across a broker pause) and bumped the epoch; aborting re-initializes.
            // CommitFailedException: the group moved on while the broker was away; the partitions still ours are
            // read again, the others are another agent's now. A producer that cannot even abort is unusable: that
            // ends the loop, and the agent is started again.
            LOG.warn("Could not record the start of {} task(s) ({}); reading them again", taken.size(), e.toString());
            transactions.abortTransaction();
            readAgain(firstTaken);
            return;
        }
        // 5. run only what the committed transaction says was started
        Instant now = reporter.clock().instant();
        decoded.forEach(event -> runner.start(event, now));
    }

    /**
     * Reads these partitions again from these offsets, if this agent still owns them (a rebalance may have taken
     * some): what waited of them is dropped, and read again after the records that were not started.
     */
    private void readAgain(Map<TopicPartition, Long> offsets) {
        forget(offsets.keySet());
        Set<TopicPartition> owned = consumer.assignment();
        offsets.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /** Steps 3 and 4: one transaction of STARTED statuses, dead letters and offsets; returns the tasks to run. */
    private List<TaskEvent> decodeAndStart(List<ConsumerRecord<byte[], byte[]>> taken) {
        List<TaskEvent> toRun = new ArrayList<>();
        List<Runnable> sends = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Instant now = reporter.clock().instant();
        for (ConsumerRecord<byte[], byte[]> record : taken) {
            offsets.put(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1));
            TaskEvent event = decode(record, sends, letters, now);
            if (event == null) {
                continue;
            }
            if (event.getDeadline() != null && !event.getDeadline().isAfter(now)) {
                TaskError late = TaskError.newBuilder().setType(Wire.DEADLINE_ERROR).setRetryable(false)
                    .setMessage("The task's deadline " + event.getDeadline() + " passed before it started").build();
                sends.add(() -> transactions.send(reporter.record(reporter.status(event, TaskStatusType.TIMED_OUT)
                    .setError(late).setMessage(late.getMessage()).build())));
                continue;
            }
            sends.add(() -> transactions.send(reporter.record(reporter.status(event, TaskStatusType.STARTED)
                .build())));
            toRun.add(event);
        }
        transactions.beginTransaction();
        try {
            sends.forEach(Runnable::run);
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isOutage(e)) { // a serializer's first look-up: nothing was sent
                transactions.abortTransaction();
            }
            throw e;
        }
        transactions.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        transactions.commitTransaction();
        letters.forEach(deadLettered);
        return toRun;
    }

    /**
     * The task event in {@code record}, or null when it is poison, for which a dead letter joins {@code sends}.
     * A registry that cannot answer now is not poison: that throws, and the records are read again later.
     */
    private TaskEvent decode(ConsumerRecord<byte[], byte[]> record, List<Runnable> sends, List<DeadLetter> letters,
                             Instant now) {
        try {
            return RecordChecks.check(record.topic(), record.key() == null ? null
                    : new String(record.key(), StandardCharsets.UTF_8),
                events.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            if (SchemaRegistryException.isOutage(e)) {
                throw e;
            }
            DeadLetter letter = e instanceof UndecodableRecordException u
                ? u.at(record).toDeadLetter(producedBy(), now)
                : DeadLetters.build(DeadLetters.of(e instanceof UnprocessableRecordException u ? u.reason()
                        : DeadLetterReason.UNDECODABLE, e.getMessage(), record.topic(), record.partition(),
                    record.offset(), record.key(), record.value(), record.headers()), producedBy(), now);
            LOG.warn("Dead-lettering the task record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), letter.getMessage());
            sends.add(() -> transactions.send(reporter.record(record.key(), letter)));
            letters.add(letter);
            return null;
        }
    }

    private String producedBy() {
        return "agent " + reporter.identity().agentId();
    }

    /**
     * Stops taking tasks; running ones go on. The loop leaves the consumer group, so the tasks queued on its
     * partitions go to the other agents (a started task's offset is committed with its STARTED status, so none is
     * taken twice).
     */
    public void drain() {
        draining = true;
        consumer.wakeup();
    }

    /** Once: leaves the group; the consumer stays open for {@link #closeConsumer}. */
    private void leaveGroup() {
        if (!left) {
            left = true;
            consumer.unsubscribe();
            forget(new ArrayList<>(waiting.keySet()));
            LOG.info("Draining: left the consumer group, so its partitions go to the other agents");
        }
    }

    /** Leaves the loop; {@link #awaitEnd} returns once it has. */
    public void stop() {
        stopping = true;
        if (done.getCount() > 0) {
            consumer.wakeup();
        }
    }

    /** Wakes the loop so that it resumes its partitions when a slot has freed. */
    public void slotFreed() {
        if (paused && !draining && !stopping) {
            consumer.wakeup();
        }
    }

    public End awaitEnd() throws InterruptedException {
        done.await();
        return end;
    }

    private void awaitStop(Duration timeout) {
        try {
            done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
