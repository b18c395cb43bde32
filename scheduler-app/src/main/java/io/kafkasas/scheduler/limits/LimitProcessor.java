package io.kafkasas.scheduler.limits;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.LimitUse;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.serde.RecordChecks;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.LaneTurns;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds the tasks that count against a limit and releases them into their lanes as the limit allows, one limit
 * key per partition's worth of keys.
 * <ul>
 *   <li>A task (from the limited tasks, keyed by limit key) waits in the queue store, in its lane, in arrival
 *   order (key | lane | sequence number; the lane's first and next numbers are in the key's use). If it is the
 *   next attempt of one released before (a retry, or a re-run after the supervisor declared its agent dead), that
 *   earlier attempt is over: its place is given back first.</li>
 *   <li>An ending status of a released attempt (from the status topic, re-keyed by limit key) gives its place
 *   back; a task the supervisor cancelled while it was held is dropped when its turn comes, taking nothing.</li>
 *   <li>Whenever something arrives or ends, and every {@code scheduler.limits.tick.ms}, as many waiting tasks go as
 *   the limit allows ({@link LimitGate}), the higher lanes first ({@link LaneTurns}).</li>
 * </ul>
 * Everything is in stores changelogged in the same transaction as the tasks released, so a scheduler killed at any
 * point resumes with the same counts. A key without a limit lets its tasks through at once, still counted, so that
 * a limit set later knows how many run.
 */
final class LimitProcessor implements Processor<Object, Object, String, Object> {

    private static final char SEP = '\u0000';
    private static final Duration METRICS_EVERY = Duration.ofSeconds(5);
    private final SchedulerConfig config;
    private final Deserializer<TaskEvent> events;
    private final LimitMetrics metrics;
    private final Clock clock;
    private final IdleCommits idleCommits;
    /** Keys with tasks waiting: the tick looks at these only. */
    private final Set<String> active = new HashSet<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Limit> limits;
    private KeyValueStore<String, LimitUse> uses;
    private KeyValueStore<String, TaskEvent> queue;
    private KeyValueStore<String, Integer> running;
    private KeyValueStore<String, Integer> cancelled;

    LimitProcessor(SchedulerConfig config, Deserializer<TaskEvent> events, LimitMetrics metrics, Clock clock,
                   IdleCommits idleCommits) {
        this.config = config;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.idleCommits = idleCommits;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        limits = context.getStateStore(LimitTopology.LIMITS_STORE);
        uses = context.getStateStore(LimitTopology.USE_STORE);
        queue = context.getStateStore(LimitTopology.QUEUE_STORE);
        running = context.getStateStore(LimitTopology.RUNNING_STORE);
        cancelled = context.getStateStore(LimitTopology.CANCELLED_STORE);
        try (KeyValueIterator<String, LimitUse> all = uses.all()) {
            all.forEachRemaining(entry -> {
                if (LimitGate.waiting(entry.value) > 0) {
                    active.add(entry.key);
                }
                metrics.show(entry.key, limits.get(entry.key), entry.value, LimitGate.Holding.NOTHING);
            });
        }
        context.schedule(config.limitsTick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
        // a limit just set shows in the metrics before any of its tasks comes
        context.schedule(METRICS_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            try (KeyValueIterator<String, Limit> all = limits.all()) {
                all.forEachRemaining(entry -> metrics.limited(entry.key));
            }
        });
    }

    @Override
    public void process(Record<Object, Object> record) {
        try {
            long now = clock.millis();
            if (record.value() instanceof TaskStatus status) {
                ended((String) record.key(), status, now);
                return;
            }
            String topic = context.recordMetadata().orElseThrow().topic();
            String key = record.key() == null ? null : new String((byte[]) record.key(), StandardCharsets.UTF_8);
            held(key, RecordChecks.checkLimited(topic, key, events.deserialize(topic, (byte[]) record.value())), now);
        } finally {
            if (idleCommits.handledLast()) { // the agents see what was released at once
                context.commit();
            }
        }
    }

    private void held(String key, TaskEvent event, long now) {
        LimitUse use = use(key);
        String place = placeOf(key, event.getTaskId());
        Integer releasedAttempt = running.get(place);
        if (releasedAttempt != null) {
            if (releasedAttempt >= event.getAttempt()) {
                return; // an attempt released already, written again
            }
            running.delete(place);
            LimitGate.ended(use);
        }
        if (event.getAttempt() == 1 && event.getEmitReason() == EmitReason.NEW) { // the supervisor learns of it
            context.forward(new Record<>(event.getTaskId(), Statuses.of(event, TaskStatusType.QUEUED,
                Instant.ofEpochMilli(now)).setAttempt(0).setMessage("held by limit " + key).build(), now),
                LimitTopology.STATUS_SINK);
        }
        LimitGate.topUp(use, limits.get(key), now); // up to its arrival, at the credit an idle key may save
        int lane = Lane.of(event.getPriority()).ordinal();
        long sequence = use.getTails().get(lane);
        use.getTails().set(lane, sequence + 1);
        queue.put(queueKey(key, lane, sequence), event);
        release(key, use, now);
    }

    private void ended(String key, TaskStatus status, long now) {
        String place = placeOf(key, status.getTaskId());
        Integer releasedAttempt = running.get(place);
        if (releasedAttempt == null && status.getStatus() == TaskStatusType.CANCELLED) {
            cancelled.put(place, status.getAttempt()); // cancelled while held: dropped when its turn comes
            return;
        }
        if (releasedAttempt == null || status.getAttempt() < releasedAttempt) {
            return; // not released by this limit, or an attempt before the one that holds the place
        }
        running.delete(place);
        LimitUse use = use(key);
        LimitGate.ended(use);
        release(key, use, now);
    }

    private void tick(long wallClockMs) {
        boolean released = false;
        for (String key : List.copyOf(active)) {
            LimitUse use = use(key);
            long before = use.getReleased();
            release(key, use, wallClockMs);
            released |= use.getReleased() > before;
        }
        if (released && idleCommits.on()) {
            context.commit();
        }
    }

    /** Releases as many waiting tasks of {@code key} as its limit allows now, then stores its use. */
    private void release(String key, LimitUse use, long now) {
        Limit limit = limits.get(key);
        LimitGate.topUp(use, limit, now);
        LimitGate.Holding holding = LimitGate.holding(use, limit);
        while (LimitGate.waiting(use) > 0 && holding == LimitGate.Holding.NOTHING) {
            TaskEvent event = next(key, use);
            if (event == null) { // the numbers named tasks the queue did not hold: now they match it
                break;
            }
            if (cancelled.get(placeOf(key, event.getTaskId())) != null) { // it goes nowhere, and takes nothing
                cancelled.delete(placeOf(key, event.getTaskId()));
                continue;
            }
            running.put(placeOf(key, event.getTaskId()), event.getAttempt());
            LimitGate.release(use, limit);
            context.forward(new Record<>(event.getTaskId(), event, now), LimitTopology.TASKS_SINK);
            holding = LimitGate.holding(use, limit);
        }
        boolean waits = LimitGate.waiting(use) > 0;
        if (waits) {
            active.add(key);
        } else {
            active.remove(key);
        }
        uses.put(key, use);
        metrics.show(key, limit, use, waits ? holding : LimitGate.Holding.NOTHING);
    }

    /** The next task to go, taken off its lane's queue: the first of the lane whose turn it is. */
    private TaskEvent next(String key, LimitUse use) {
        Map<Lane, TaskEvent> heads = new EnumMap<>(Lane.class);
        Map<Lane, Long> oldest = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            TaskEvent head = head(key, use, lane.ordinal());
            if (head != null) {
                heads.put(lane, head);
                oldest.put(lane, head.getEmittedAt().toEpochMilli());
            }
        }
        if (heads.isEmpty()) {
            return null;
        }
        LaneTurns.Turn turn = LaneTurns.next(oldest, use.getSinceLower(), config.limitsLowerEvery());
        use.setSinceLower(turn.sinceLower());
        int lane = turn.lane().ordinal();
        long head = use.getHeads().get(lane);
        queue.delete(queueKey(key, lane, head));
        use.getHeads().set(lane, head + 1);
        return heads.get(turn.lane());
    }

    /** The first waiting task of {@code lane}, or null if none waits there. */
    private TaskEvent head(String key, LimitUse use, int lane) {
        long head = use.getHeads().get(lane);
        long tail = use.getTails().get(lane);
        while (head < tail) {
            TaskEvent event = queue.get(queueKey(key, lane, head));
            if (event != null) {
                use.getHeads().set(lane, head);
                return event;
            }
            head++; // not there: counted wrong before; believe the store
        }
        use.getHeads().set(lane, head);
        return null;
    }

    private LimitUse use(String key) {
        LimitUse use = uses.get(key);
        return use != null ? use : LimitUse.newBuilder().build();
    }

    /** Where a released attempt holds its place: the limit key, then the task id. */
    static String placeOf(String key, String taskId) {
        return key + SEP + taskId;
    }

    /** A waiting task's place in the queue: key, lane, then its sequence number in the lane. */
    static String queueKey(String key, int lane, long sequence) {
        return key + SEP + lane + SEP + sequence;
    }
}
