package io.kafkasas.app.streams;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Commit when the input runs dry, not on a timer. Each stream thread's main consumer counts the records a poll
 * returns; a processor that has handled the last of them asks for a commit ({@code ProcessorContext.commit()}),
 * which Kafka Streams makes right after that processing step. A lone record then waits for one commit and a burst
 * shares one; {@code commit.interval.ms} stays the upper bound.
 *
 * <p>Commits of one thread are at least {@code spacing} apart: a poll that ends sooner leaves its commit
 * {@link #due() due}, and a wall-clock punctuator that asks every {@code spacing} makes it (the thread's poll must
 * not block longer, {@code poll.ms}). Under steady load that bounds the transactions per second; after a quiet
 * spell a request is committed at once.
 *
 * <p>A record that never reaches the processor (its partition revoked before it was processed) only means no
 * request for that poll: the interval commits it. Each poll starts the count afresh, so nothing drifts.
 *
 * <p>Each commit is a Kafka transaction, which costs the broker CPU: where the broker has cores to spare this
 * brings a lone request's wait from about half the interval down to one commit; on a saturated broker the extra
 * transactions make the tail longer (docs/decisions.md, "Commit when idle, spaced").
 */
public final class IdleCommits {

    private static final String KEY = "sas.idle.commits";

    private static final int UNHANDLED = 0;
    private static final int ASKED_AT = 1;
    private static final int PENDING = 2;

    private final boolean on;
    private final long spacingNanos;
    /**
     * Per stream thread (both the poller and the processor): records of its last poll not yet handled, when it last
     * asked for a commit (System.nanoTime), and whether a commit waits for the spacing (1) or not (0).
     */
    private final ThreadLocal<long[]> state = ThreadLocal.withInitial(() -> new long[] {0, Long.MIN_VALUE / 2, 0});

    private IdleCommits(boolean on, Duration spacing) {
        this.on = on;
        this.spacingNanos = spacing.toNanos();
    }

    /**
     * Commits when idle, at most every {@code spacing} per thread, in the Kafka Streams app configured by
     * {@code props}: counts its main consumers' polls.
     */
    public static IdleCommits install(Map<Object, Object> props, Duration spacing) {
        IdleCommits commits = new IdleCommits(true, spacing);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
            PollCounter.class.getName());
        props.put(StreamsConfig.mainConsumerPrefix(KEY), commits);
        return commits;
    }

    /** Commits on the interval only: never asks. */
    public static IdleCommits off() {
        return new IdleCommits(false, Duration.ZERO);
    }

    public boolean on() {
        return on;
    }

    public Duration spacing() {
        return Duration.ofNanos(spacingNanos);
    }

    /**
     * Counts one record handled on this thread; true when it was the last of its consumer's latest poll and the
     * thread's previous commit request is at least the spacing ago (else that commit is left {@link #due()}).
     */
    public boolean handledLast() {
        if (!on) {
            return false;
        }
        long[] thread = state.get();
        if (--thread[UNHANDLED] != 0) {
            return false;
        }
        thread[PENDING] = 1;
        return due();
    }

    /** Whether this thread has a commit waiting whose spacing has passed; if so, it counts as asked for now. */
    public boolean due() {
        long[] thread = state.get();
        long now = System.nanoTime();
        if (!on || thread[PENDING] == 0 || now - thread[ASKED_AT] < spacingNanos) {
            return false;
        }
        thread[PENDING] = 0;
        thread[ASKED_AT] = now;
        return true;
    }

    void polled(int records) {
        state.get()[UNHANDLED] = records;
    }

    /** The main consumer's interceptor: on the stream thread, with each poll that returned records. */
    public static final class PollCounter implements ConsumerInterceptor<Object, Object> {

        private IdleCommits commits;

        @Override
        public void configure(Map<String, ?> configs) {
            commits = (IdleCommits) configs.get(KEY);
        }

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            commits.polled(records.count());
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            // commits need no counting
        }

        @Override
        public void close() {
            // holds nothing
        }
    }
}
