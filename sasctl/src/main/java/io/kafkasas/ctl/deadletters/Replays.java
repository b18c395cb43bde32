package io.kafkasas.ctl.deadletters;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ctl.CtlConfig;
import io.kafkasas.ctl.CtlException;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.schemas.serde.DeadLetters;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What replaying a dead letter means, decided from what it holds:
 * <ul>
 *   <li>a task the supervisor gave up on (its last event is in the letter): a new request for the same work;</li>
 *   <li>a request the scheduler refused (its original bytes decode as a task request): the request again;</li>
 *   <li>any other record kept byte for byte (e.g. undecodable): the same bytes to the topic it came from;</li>
 *   <li>nothing to send (a letter from before these fields existed): not replayable, and said so.</li>
 * </ul>
 * A re-submitted task gets a new task id (the old one has ended for good, and its results would be stale) and the
 * idempotency key {@code replay:<old task id>}, so replaying the same letter twice within the scheduler's window
 * makes one task, not two. Every replay carries {@code sas.replayed-from = <topic>-<partition>@<offset>}.
 */
public final class Replays {

    /** The header (request header, or record header for byte replays) naming the dead letter replayed. */
    public static final String REPLAYED_FROM = "sas.replayed-from";
    /** Idempotency keys and task ids the validator accepts are at most this long. */
    private static final int MAX_KEY_LENGTH = 200;

    /** How one dead letter is replayed. Exactly one of {@code request} and {@code record} is set, or neither. */
    public record Plan(DeadLetterLog.Entry entry, TaskRequest request, ProducerRecord<byte[], byte[]> record,
                       String note) {

        public boolean replayable() {
            return request != null || record != null;
        }

        public String action() {
            return request != null ? "resubmit" : record != null ? "resend" : "none";
        }
    }

    private final TopicNames topics;
    private final Deserializer<TaskRequest> requests;

    public Replays(TopicNames topics, Deserializer<TaskRequest> requests) {
        this.topics = topics;
        this.requests = requests;
    }

    public Plan plan(DeadLetterLog.Entry entry, Instant now) {
        DeadLetter letter = entry.letter();
        String from = entry.topic() + "-" + entry.partition() + "@" + entry.offset();
        if (letter == null) {
            return new Plan(entry, null, null, "the dead letter itself cannot be decoded: " + entry.problem());
        }
        if (letter.getTask() != null) {
            return resubmit(entry, fromEvent(letter.getTask()), letter.getTask().getTaskId(), from, now);
        }
        if (letter.getOriginalValue() == null) {
            return new Plan(entry, null, null, "it holds neither the task nor the original record (written by an"
                + " older version); submit the task again by hand");
        }
        if (topics.taskRequests().equals(letter.getSourceTopic())) {
            TaskRequest request = decodeRequest(letter);
            if (request != null) {
                String oldId = letter.getTaskId() != null ? letter.getTaskId()
                    : request.getTaskId() != null ? request.getTaskId() : from;
                return resubmit(entry, TaskRequest.newBuilder(request), oldId, from, now);
            }
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(letter.getSourceTopic(), null,
            DeadLetters.bytes(letter.getOriginalKey()), DeadLetters.bytes(letter.getOriginalValue()));
        letter.getOriginalHeaders().forEach((k, v) -> record.headers().add(k, DeadLetters.bytes(v)));
        record.headers().add(REPLAYED_FROM, from.getBytes(StandardCharsets.UTF_8));
        return new Plan(entry, null, record, "the original record again, byte for byte");
    }

    private Plan resubmit(DeadLetterLog.Entry entry, TaskRequest.Builder request, String oldTaskId, String from,
                          Instant now) {
        String note = "the same work as task " + oldTaskId + ", as a new task";
        if (request.getDeadline() != null && !request.getDeadline().isAfter(now)) {
            request.setDeadline(null);
            note += "; its deadline has passed and is dropped";
        }
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        headers.put(REPLAYED_FROM, from);
        String key = "replay:" + oldTaskId;
        request.setTaskId(UUID.randomUUID().toString()).setHeaders(headers).setSubmittedAt(now)
            .setSubmittedBy("sasctl-replay").setNotBefore(null)
            .setIdempotencyKey(key.length() <= MAX_KEY_LENGTH ? key
                : "replay:" + UUID.nameUUIDFromBytes(oldTaskId.getBytes(StandardCharsets.UTF_8)));
        return new Plan(entry, request.build(), null, note);
    }

    /** A request for the work of {@code event}: same type, queue, payload, limits, retry policy and headers. */
    static TaskRequest.Builder fromEvent(TaskEvent event) {
        return TaskRequest.newBuilder().setType(event.getType()).setQueue(event.getQueue())
            .setPayload(event.getPayload().duplicate()).setContentType(event.getContentType())
            .setPriority(event.getPriority()).setExecutionTimeoutMs(event.getExecutionTimeoutMs())
            .setDeadline(event.getDeadline()).setRetryPolicy(event.getRetryPolicy())
            .setSubmittedAt(event.getSubmittedAt()).setHeaders(event.getHeaders());
    }

    /**
     * Sends {@code plans} in order, each acknowledged before the next; a failure says which were sent ({@link
     * CtlException}).
     */
    public static void send(CtlConfig config, List<Replays.Plan> plans) throws Exception {
        long timeout = config.kafkaTimeout().toMillis();
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.putAll(config.writerOverrides());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (TaskClient client = TaskClient.create(config, config.writerOverrides());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                 new ByteArraySerializer())) {
            for (Replays.Plan plan : plans) {
                try {
                    if (plan.request() != null) {
                        client.submit(plan.request()).get(timeout, TimeUnit.MILLISECONDS);
                    } else if (plan.record() != null) {
                        producer.send(plan.record()).get(timeout, TimeUnit.MILLISECONDS);
                    }
                } catch (Exception e) {
                    throw new CtlException(ExitCodes.UNAVAILABLE, "Replaying " + plan.entry().at() + " failed (" + e
                        + "); the letters before it were sent. Run again with --at for those after it.");
                }
            }
        }
    }

    private TaskRequest decodeRequest(DeadLetter letter) {
        try {
            return requests.deserialize(letter.getSourceTopic(), DeadLetters.bytes(letter.getOriginalValue()));
        } catch (UndecodableRecordException e) {
            return null; // still undecodable: resent byte for byte, for the scheduler to judge once fixed
        }
    }
}
