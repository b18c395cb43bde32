package io.kafkasas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkasas.schemas.requests.InvalidTaskRequestException;
import io.kafkasas.schemas.topics.TopicNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What the client refuses before Kafka sees it, and what it sends. */
class TaskClientTest {

    private static final Serializer<SpecificRecord> NOTHING = (topic, value) -> new byte[0];

    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null,
        new StringSerializer(), NOTHING);
    private final TaskClient client = new TaskClient(producer, new TopicNames("sas.", List.of("default", "urgent")),
        null);

    @Test
    void shouldRefuseARequestTheSchedulerWouldRejectWithEveryProblemAndSendNothing() {
        assertThatThrownBy(() -> client.submit(TaskClient.request("bad type!").setQueue("nightly")
                .setDeadline(Instant.now().minusSeconds(60)).build()).join())
            .hasCauseInstanceOf(InvalidTaskRequestException.class)
            .hasMessageContaining("queue: unknown queue 'nightly'; known queues: [default, urgent]")
            .hasMessageContaining("type: must be").hasMessageContaining("deadline: is");
        assertThatThrownBy(() -> client.submit(TaskClient.request("report").setTaskId("a/b")
                .setHeaders(Map.of("trace", "a\u0001b")).build()).join())
            .hasMessageContaining("taskId: must be").hasMessageContaining("headers.trace: must be");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldSendAValidRequestToAKnownQueueKeyedByItsIdempotencyKey() {
        String taskId = client.submit(TaskClient.request("report").setQueue("urgent").setIdempotencyKey("order-42")
            .build()).join();

        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("sas.task-requests");
            assertThat(record.key()).isEqualTo("order-42");
        });
        assertThat(taskId).isNotBlank();
    }

    @Test
    void shouldBeBuiltFromSettingsInOneLineAndNameAWrongOne() {
        assertThatThrownBy(() -> TaskClient.create(Map.of("topic.prefix", "bad prefix!")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic.prefix");
    }
}
