package io.kafkasas.schemas.client;

import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.config.SasConfig;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

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

    private final Producer<String, TaskRequest> producer;
    private final Topic<String, TaskRequest> topic;

    public TaskClient(Producer<String, TaskRequest> producer, Topic<String, TaskRequest> topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** A client with the Kafka properties and schema registry of {@code config}. */
    public static TaskClient create(SasConfig config) {
        Topics topics = config.topics();
        Map<String, Object> properties = new HashMap<>(config.kafkaProperties());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "sas-task-client");
        Topic<String, TaskRequest> topic = topics.taskRequests();
        return new TaskClient(new KafkaProducer<>(properties, topic.keySerde().serializer(),
            topic.valueSerde().serializer()), topic);
    }

    /** A request builder for {@code type} on the default queue, submitted now, with an empty payload. */
    public static TaskRequest.Builder request(String type) {
        return TaskRequest.newBuilder().setType(type).setSubmittedAt(Instant.now());
    }

    /** Sends {@code request}; completes with its task id when acknowledged, or exceptionally. */
    public CompletableFuture<String> submit(TaskRequest request) {
        TaskRequest withId = withTaskId(request);
        String key = withId.getIdempotencyKey() != null ? withId.getIdempotencyKey() : withId.getTaskId();
        CompletableFuture<String> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic.name(), key, withId), (metadata, error) -> {
            if (error != null) {
                acked.completeExceptionally(error);
            } else {
                acked.complete(withId.getTaskId());
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
