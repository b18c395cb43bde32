package io.kafkasas.schemas.client;

import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.registry.SchemaRegistryClients;
import io.kafkasas.schemas.registry.SchemaRegistryConfig;
import io.kafkasas.schemas.serde.AvroSerializer;
import io.kafkasas.schemas.topics.TopicNames;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

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
 * within the scheduler's window keeps the first request's task id, and the id returned for the repeat is never
 * used.
 */
public final class TaskClient implements AutoCloseable {

    private final Producer<String, SpecificRecord> producer;
    private final TopicNames topics;

    public TaskClient(Producer<String, SpecificRecord> producer, TopicNames topics) {
        this.producer = producer;
        this.topics = topics;
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
        SchemaRegistryConfig registry = config.schemaRegistry();
        return new TaskClient(new KafkaProducer<>(properties, new StringSerializer(),
            new AvroSerializer<>(SchemaRegistryClients.create(registry), registry.autoRegister(), false)),
            config.topicNames());
    }

    /** A request builder for {@code type} on the default queue, submitted now, with an empty payload. */
    public static TaskRequest.Builder request(String type) {
        return TaskRequest.newBuilder().setType(type).setSubmittedAt(Instant.now());
    }

    /** Sends {@code request}; completes with its task id when acknowledged, or exceptionally. */
    public CompletableFuture<String> submit(TaskRequest request) {
        TaskRequest withId = withTaskId(request);
        String key = withId.getIdempotencyKey() != null ? withId.getIdempotencyKey() : withId.getTaskId();
        return send(new ProducerRecord<>(topics.taskRequests(), key, withId), withId.getTaskId());
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

    /** {@code request} with a fresh task id if it has none. */
    public static TaskRequest withTaskId(TaskRequest request) {
        if (request.getTaskId() != null) {
            return request;
        }
        return TaskRequest.newBuilder(request).setTaskId(UUID.randomUUID().toString()).build();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
