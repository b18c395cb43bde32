package io.kafkasas.client;

import io.kafkasas.avro.Limit;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.Schedule;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.requests.InvalidTaskRequestException;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import io.kafkasas.schemas.serde.AvroSerializer;
import io.kafkasas.schemas.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Submits tasks from an upstream service: a task request goes to the requests topic with an idempotent producer
 * (acks=all), and the returned future completes with the task id once the broker has acknowledged it.
 *
 * <pre>{@code
 * try (TaskClient client = TaskClient.create(config)) {
 *     String taskId = client.submit(TaskClient.request("shell")
 *         .setPayload(ByteBuffer.wrap("{\"command\":\"echo\",\"args\":[\"hi\"]}".getBytes(UTF_8)))
 *         .setIdempotencyKey("order-42")
 *         .build()).get();
 * }
 * }</pre>
 *
 * A task id is assigned here when the request has none, so the caller knows it at once. With an idempotency key
 * the record key is that key (so repeats meet in one partition and the scheduler keeps only the first); a repeat
 * within the scheduler's window runs nothing: the scheduler answers its task id with a DUPLICATE status that names
 * the task that runs, and {@link #outcome} follows it there.
 */
public final class TaskClient implements AutoCloseable {

    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);
    private static final Duration DELIVERY = Duration.ofSeconds(20);
    /** The longest a submission takes to end, acknowledged or failed, with the default time-outs. */
    public static final Duration MAX_SEND = MAX_BLOCK.plus(DELIVERY);

    private final Producer<String, SpecificRecord> producer;
    private final TopicNames topics;
    private final RequestValidator validator;
    private final TaskOutcomes outcomes;

    /**
     * A client that writes with {@code producer}; requests for queues other than {@code topics}' are refused.
     * {@code outcomes} may be null: {@link #outcome} then refuses.
     */
    public TaskClient(Producer<String, SpecificRecord> producer, TopicNames topics, TaskOutcomes outcomes) {
        this.producer = producer;
        this.topics = topics;
        this.validator = new RequestValidator(RequestValidator.Limits.queuesOnly(topics.queues()));
        this.outcomes = outcomes;
    }

    /**
     * A client from settings, in one line: {@code TaskClient.create(Map.of("kafka.bootstrap.servers", "kafka:9092",
     * "schema.registry.url", "http://registry:8081"))}. The keys are the shared ones of docs/configuration.md
     * ({@code kafka.*} for security settings, {@code queues}, {@code topic.prefix} ...); wrong ones are named.
     */
    public static TaskClient create(Map<String, String> settings) {
        return create(SasConfig.of(settings));
    }

    /** A client with the Kafka properties and schema registry of {@code config}. */
    public static TaskClient create(SasConfig config) {
        return create(config, Map.of());
    }

    /** As {@link #create(SasConfig)}, with {@code overrides} on top of the Kafka properties (e.g. time-outs). */
    public static TaskClient create(SasConfig config, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(config.kafkaProperties());
        properties.putAll(overrides);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sas-task-client");
        // a send ends, one way or the other, within MAX_SEND: a caller that waits that long learns the truth
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        properties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY.toMillis());
        SchemaRegistryConfig registry = config.schemaRegistry();
        return new TaskClient(new KafkaProducer<>(properties, new StringSerializer(),
            new AvroSerializer<>(SchemaRegistryClients.create(registry), registry.autoRegister(), false)),
            config.topicNames(), new TaskOutcomes(config));
    }

    /** A request builder for {@code type} on the default queue, submitted now, with an empty payload. */
    public static TaskRequest.Builder request(String type) {
        return TaskRequest.newBuilder().setType(type).setSubmittedAt(Instant.now());
    }

    /**
     * Sends {@code request} (see {@link #identified}); completes with its task id when acknowledged, or exceptionally
     * within {@link #MAX_SEND}. Exceptionally with {@link InvalidTaskRequestException} at once when the request breaks
     * the rules the scheduler applies (an unknown queue, a malformed id, a deadline in the past ...; every problem
     * named); otherwise exceptionally means "not acknowledged": a retry with the same idempotency key is dropped as a
     * duplicate if the first was written after all.
     */
    public CompletableFuture<String> submit(TaskRequest request) {
        TaskRequest identified = identified(request);
        List<Violation> problems = validator.check(identified, Instant.now());
        if (!problems.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidTaskRequestException(problems));
        }
        return send(new ProducerRecord<>(topics.taskRequests(), identified.getIdempotencyKey(), identified),
            identified.getTaskId());
    }

    /**
     * Completes with the status that ended {@code taskId} (SUCCEEDED with the handler's result, CANCELLED,
     * DEAD_LETTERED or REJECTED; see {@link TaskOutcomes}), written since {@code since} (the time of submission), or
     * fails with a {@link java.util.concurrent.TimeoutException} after {@code timeout}. If the request repeated an
     * idempotency key, the status is that of the task that ran for the key: its {@code taskId} is that task's.
     *
     * <pre>{@code
     * Instant submitted = Instant.now();
     * String taskId = client.submit(request).get();
     * TaskStatus outcome = client.outcome(taskId, submitted, Duration.ofMinutes(5)).get();
     * }</pre>
     */
    public CompletableFuture<TaskStatus> outcome(String taskId, Instant since, Duration timeout) {
        if (outcomes == null) {
            throw new IllegalStateException("This client was built without a status reader: use TaskClient.create");
        }
        return outcomes.of(taskId, since, timeout);
    }

    /**
     * Asks for {@code taskId} to be cancelled (a CANCEL_REQUESTED status the supervisor acts on): a queued task
     * ends CANCELLED, a running one gets CANCEL_TASK on its agent. Completes with the task id when acknowledged.
     */
    public CompletableFuture<String> cancel(String taskId, String reason) {
        Contracts.trust();
        TaskStatus request = TaskStatus.newBuilder().setTaskId(taskId).setAttempt(0)
            .setStatus(TaskStatusType.CANCEL_REQUESTED).setTimestamp(Instant.now()).setMessage(reason).build();
        return send(new ProducerRecord<>(topics.taskStatus(), taskId, request), taskId);
    }

    /**
     * Creates or replaces {@code schedule} on the compacted schedules topic (keyed by its id); completes with its id
     * when acknowledged. The scheduler checks it as the HTTP API does and dead-letters it, keeping the schedule in
     * force, if it breaks a rule.
     */
    public CompletableFuture<String> putSchedule(Schedule schedule) {
        return send(new ProducerRecord<>(topics.schedules(), schedule.getScheduleId(), schedule),
            schedule.getScheduleId());
    }

    /** Deletes the schedule {@code scheduleId} (a tombstone): it fires no more; runs already fired go on. */
    public CompletableFuture<String> deleteSchedule(String scheduleId) {
        return send(new ProducerRecord<>(topics.schedules(), scheduleId, null), scheduleId);
    }

    /**
     * Sets {@code limit} on the compacted limits topic (keyed by its key); completes with the key when acknowledged.
     * Every scheduler instance applies it within moments; one that breaks a rule is dead-lettered and the limit in
     * force stays.
     */
    public CompletableFuture<String> putLimit(Limit limit) {
        return send(new ProducerRecord<>(topics.limits(), limit.getKey(), limit), limit.getKey());
    }

    /** Removes the limit {@code key} (a tombstone): the tasks it holds go at once. */
    public CompletableFuture<String> deleteLimit(String key) {
        return send(new ProducerRecord<>(topics.limits(), key, null), key);
    }

    /**
     * Submits {@code pipeline} to the pipelines topic (keyed by its id); completes with its id when acknowledged. The
     * scheduler checks it (every problem named in a dead letter if it breaks a rule) and runs its steps as their
     * dependencies succeed; submitting the same id again changes nothing.
     */
    public CompletableFuture<String> submitPipeline(Pipeline pipeline) {
        return send(new ProducerRecord<>(topics.pipelines(), pipeline.getPipelineId(), pipeline),
            pipeline.getPipelineId());
    }

    /**
     * Cancels the pipeline {@code submitted} (as it was submitted): running steps are cancelled and its failure
     * policy applies (compensations of the steps that succeeded, or nothing more).
     */
    public CompletableFuture<String> cancelPipeline(Pipeline submitted, String reason) {
        return submitPipeline(Pipeline.newBuilder(submitted).setCancelRequested(reason).build());
    }

    private CompletableFuture<String> send(ProducerRecord<String, SpecificRecord> record, String taskId) {
        CompletableFuture<String> acked = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                acked.completeExceptionally(error);
            } else {
                acked.complete(taskId);
            }
        });
        return acked;
    }

    /** The partition of the requests topic that a request under {@code key} goes to (the default partitioner's). */
    public int requestPartition(String key) {
        int partitions = producer.partitionsFor(topics.taskRequests()).size();
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * {@code request} with a fresh task id if it has none, and that id as its idempotency key if it has none: every
     * request can then be retried without a duplicate, whatever became of the first try.
     */
    public static TaskRequest identified(TaskRequest request) {
        if (request.getTaskId() != null && request.getIdempotencyKey() != null) {
            return request;
        }
        String taskId = request.getTaskId() != null ? request.getTaskId() : UUID.randomUUID().toString();
        return TaskRequest.newBuilder(request).setTaskId(taskId)
            .setIdempotencyKey(request.getIdempotencyKey() != null ? request.getIdempotencyKey() : taskId).build();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (outcomes != null) {
            outcomes.close();
        }
        producer.close();
    }
}
