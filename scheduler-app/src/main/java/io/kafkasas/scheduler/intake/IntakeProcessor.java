package io.kafkasas.scheduler.intake;

import io.kafkasas.app.streams.IdleCommits;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.EmitReason;
import io.kafkasas.avro.Limit;
import io.kafkasas.avro.TaskError;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.scheduler.DueKeys;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.scheduler.limits.LimitTopology;
import io.kafkasas.schemas.Limits;
import io.kafkasas.schemas.Statuses;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import io.kafkasas.schemas.serde.DeadLetters;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each task request into a task, exactly once (the app runs with {@code exactly_once_v2}):
 * <ol>
 *   <li>decode; an undecodable record becomes a dead letter and processing goes on;</li>
 *   <li>validate; an invalid request becomes a REJECTED status and a dead letter with the reasons;</li>
 *   <li>de-duplicate by idempotency key within the window: a repeat emits no task, only a DUPLICATE status for its
 *   own task id that names the task that runs;</li>
 *   <li>emit the task event of attempt 1 now (the event on the task topic is what "queued" means), or hold it
 *       in the delayed store until its notBefore time, when the wall-clock punctuator emits it; a held task gets
 *       a QUEUED status that says until when;</li>
 *   <li>with {@code scheduler.commit.when.idle}, ask for the commit after the last record its stream thread
 *       polled ({@link IdleCommits}), and after emitting held tasks: what was emitted becomes visible then, not at
 *       the next commit interval.</li>
 * </ol>
 */
public final class IntakeProcessor implements Processor<byte[], byte[], Object, Object> {

    public static final String PRODUCED_BY = Wire.PRODUCED_BY_SCHEDULER;
    private static final Logger LOG = LoggerFactory.getLogger(IntakeProcessor.class);

    private final SchedulerConfig config;
    private final Deserializer<TaskRequest> requests;
    private final RequestValidator validator;
    private final IntakeMetrics metrics;
    private final Clock clock;
    private final IdleCommits idleCommits;
    private ProcessorContext<Object, Object> context;
    private WindowStore<String, String> dedup;
    private KeyValueStore<String, TaskEvent> delayed;
    private KeyValueStore<String, Limit> limits;

    IntakeProcessor(SchedulerConfig config, Topics topics, IntakeMetrics metrics, Clock clock,
                    IdleCommits idleCommits) {
        this.config = config;
        this.requests = topics.taskRequests().valueSerde().deserializer();
        this.validator = new RequestValidator(config.requestLimits());
        this.metrics = metrics;
        this.clock = clock;
        this.idleCommits = idleCommits;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.dedup = context.getStateStore(IntakeTopology.DEDUP_STORE);
        this.delayed = context.getStateStore(IntakeTopology.DELAYED_STORE);
        this.limits = context.getStateStore(LimitTopology.LIMITS_STORE);
        context.schedule(config.delayCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::emitDue);
        if (idleCommits.on()) {
            context.schedule(idleCommits.spacing(), PunctuationType.WALL_CLOCK_TIME, now -> {
                if (idleCommits.due()) {
                    context.commit();
                }
            });
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            intake(record);
        } finally {
            // 5. the last record of the poll: commit now, so that the agents see the tasks at once
            if (idleCommits.handledLast()) {
                context.commit();
            }
        }
    }

    private void intake(Record<byte[], byte[]> record) {
        Instant now = clock.instant();
        // 1. decode
        TaskRequest request = decode(record, now);
        if (request == null) {
            return;
        }
        String taskId = request.getTaskId() != null ? request.getTaskId() : UUID.randomUUID().toString();
        // 2. validate
        List<Violation> problems = validator.check(request, now);
        if (!problems.isEmpty()) {
            reject(record, request, taskId, problems, now);
            return;
        }
        // 3. de-duplicate
        String key = request.getIdempotencyKey();
        String first = key == null ? null : firstTaskOf(key, taskId, record.timestamp());
        if (first != null) {
            if (!first.equals(taskId)) { // a caller that waits for this id learns which one runs
                forwardStatus(taskId, Statuses.of(request, taskId, TaskStatusType.DUPLICATE, now).setDuplicateOf(first)
                    .setMessage("a repeat of idempotency key " + key + ": task " + first + " runs").build(), now);
            }
            return;
        }
        // 4. emit now or hold
        TaskEvent event = firstAttempt(request, taskId, now);
        metrics.accepted().increment();
        Instant notBefore = request.getNotBefore();
        boolean delay = notBefore != null && notBefore.isAfter(now);
        if (delay) {
            forwardStatus(taskId, Statuses.of(request, taskId, TaskStatusType.QUEUED, now)
                .setMessage("delayed until " + notBefore).build(), now);
            metrics.delayed().increment();
            delayed.put(DueKeys.of(notBefore.toEpochMilli(), taskId), event);
        } else {
            emit(event, now.toEpochMilli());
        }
    }

    /** To its lane, or, if it counts against a limit (its own key, or its type's), to the limited tasks. */
    private void emit(TaskEvent event, long timestamp) {
        String limitKey = event.getLimitKey();
        if (limitKey == null && limits.get(Limits.ofType(event.getType())) != null) {
            limitKey = Limits.ofType(event.getType());
        }
        if (limitKey == null) {
            context.forward(new Record<>(event.getTaskId(), event, timestamp), IntakeTopology.TASKS_SINK);
        } else {
            context.forward(new Record<>(limitKey, TaskEvent.newBuilder(event).setLimitKey(limitKey).build(),
                timestamp), IntakeTopology.LIMITED_SINK);
        }
    }

    private TaskRequest decode(Record<byte[], byte[]> record, Instant now) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        try {
            TaskRequest request = requests.deserialize(source.topic(), record.value());
            if (request != null) {
                return request;
            }
            throw new UndecodableRecordException(DeadLetterReason.UNDECODABLE, source.topic(), null,
                "The record has no value (a tombstone); a task request needs one", null);
        } catch (UndecodableRecordException e) {
            UndecodableRecordException placed = e.at(source.partition(), source.offset(), record.key(),
                record.value(), record.headers());
            LOG.warn("Dead-lettering an undecodable request at {}-{}@{}: {}", source.topic(), source.partition(),
                source.offset(), e.getMessage());
            forwardDeadLetter(record.key(), placed.toDeadLetter(PRODUCED_BY, now), now);
            return null;
        }
    }

    private void reject(Record<byte[], byte[]> record, TaskRequest request, String taskId, List<Violation> problems,
                        Instant now) {
        String reasons = problems.stream().map(Violation::toString).collect(Collectors.joining("; "));
        LOG.info("Rejecting request for task {}: {}", taskId, reasons);
        metrics.rejected().increment();
        TaskError error = TaskError.newBuilder().setType(Wire.INVALID_REQUEST_ERROR).setMessage(reasons)
            .setRetryable(false).build();
        forwardStatus(taskId, Statuses.of(request, taskId, TaskStatusType.REJECTED, now).setMessage(reasons)
            .setError(error).build(), now);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        forwardDeadLetter(record.key(), DeadLetters.build(DeadLetters.of(DeadLetterReason.INVALID_REQUEST,
            "Invalid task request: " + reasons, source.topic(), source.partition(), source.offset(), record.key(),
            record.value(), record.headers()).setTaskId(taskId), PRODUCED_BY, now), now);
    }

    /**
     * The task {@code key} already stands for within the window around {@code timestamp}; null if none, and then
     * {@code key} stands for {@code taskId} from now on.
     */
    private String firstTaskOf(String key, String taskId, long timestamp) {
        long window = config.dedupWindow().toMillis();
        try (WindowStoreIterator<String> seen = dedup.fetch(key, timestamp - window, timestamp + window)) {
            if (seen.hasNext()) {
                String first = seen.next().value;
                LOG.debug("Dropping a repeat of idempotency key {} (task {})", key, first);
                metrics.duplicates().increment();
                return first;
            }
        }
        dedup.put(key, taskId, timestamp);
        return null;
    }

    private TaskEvent firstAttempt(TaskRequest request, String taskId, Instant now) {
        Long timeout = request.getExecutionTimeoutMs();
        return TaskEvent.newBuilder().setTaskId(taskId).setAttempt(1).setIdempotencyKey(request.getIdempotencyKey())
            .setQueue(request.getQueue()).setType(request.getType()).setPayload(request.getPayload())
            .setContentType(request.getContentType()).setPriority(request.getPriority())
            .setExecutionTimeoutMs(timeout != null ? timeout : config.defaultExecutionTimeoutMs())
            .setDeadline(request.getDeadline())
            .setRetryPolicy(request.getRetryPolicy() != null ? request.getRetryPolicy() : config.defaultRetryPolicy())
            .setSubmittedAt(request.getSubmittedAt()).setEmittedAt(now).setEmitReason(EmitReason.NEW)
            .setHeaders(request.getHeaders()).setLimitKey(request.getLimitKey())
            .setSubmittedBy(request.getSubmittedBy()).build();
    }

    /** Emits every held task whose time has come, oldest first. */
    void emitDue(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        boolean emitted = false;
        try (KeyValueIterator<String, TaskEvent> due = delayed.range(DueKeys.first(), DueKeys.last(wallClockMs))) {
            while (due.hasNext()) {
                KeyValue<String, TaskEvent> entry = due.next();
                TaskEvent event = TaskEvent.newBuilder(entry.value).setEmittedAt(now).build();
                metrics.delayedLag().record(Math.max(0, wallClockMs - DueKeys.dueOf(entry.key)), TimeUnit.MILLISECONDS);
                emit(event, wallClockMs);
                delayed.delete(entry.key);
                emitted = true;
            }
        }
        if (emitted && idleCommits.on()) {
            context.commit();
        }
    }

    private void forwardStatus(String taskId, Object status, Instant now) {
        context.forward(new Record<>(taskId, status, now.toEpochMilli()), IntakeTopology.STATUS_SINK);
    }

    private void forwardDeadLetter(byte[] key, DeadLetter letter, Instant now) {
        metrics.deadLettered().increment();
        context.forward(new Record<>(key, letter, now.toEpochMilli()), IntakeTopology.DEAD_LETTER_SINK);
    }
}
