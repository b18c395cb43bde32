package io.kafkasas.ctl.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.ContractSamples;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.serde.AvroDeserializer;
import io.kafkasas.schemas.serde.AvroSerializer;
import io.kafkasas.schemas.topics.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplaysTest {

    private static final String URL = "mock://replays-test";
    private static final Instant NOW = ContractSamples.NOW;
    private final TopicNames topics = TopicNames.defaults();
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forMockUrl(URL);
    private final Replays replays = new Replays(topics, new AvroDeserializer<>(TaskRequest.class, registry));

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(URL);
    }

    @Test
    void shouldResubmitATaskTheSupervisorGaveUpOnAsANewTaskWithTheSameWork() {
        TaskEvent event = TaskEvent.newBuilder(ContractSamples.taskEvent()).setDeadline(NOW.minusSeconds(1)).build();
        DeadLetter letter = DeadLetter.newBuilder(ContractSamples.deadLetter()).setTask(event).build();

        Replays.Plan plan = replays.plan(entry(letter), NOW);

        TaskRequest request = plan.request();
        assertThat(plan.action()).isEqualTo("resubmit");
        assertThat(request.getTaskId()).isNotEqualTo(event.getTaskId());
        assertThat(request.getIdempotencyKey()).as("a second replay of this letter makes no second task")
            .isEqualTo("replay:t-1");
        assertThat(request.getType()).isEqualTo(event.getType());
        assertThat(request.getQueue()).isEqualTo(event.getQueue());
        assertThat(request.getPayload()).isEqualTo(event.getPayload());
        assertThat(request.getRetryPolicy()).isEqualTo(event.getRetryPolicy());
        assertThat(request.getExecutionTimeoutMs()).isEqualTo(event.getExecutionTimeoutMs());
        assertThat(request.getDeadline()).as("a passed deadline would make the scheduler refuse it").isNull();
        assertThat(plan.note()).contains("deadline has passed");
        assertThat(request.getHeaders()).containsEntry("k", "v")
            .containsEntry(Replays.REPLAYED_FROM, "sas.dead-letters-1@7");
        assertThat(request.getSubmittedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldResubmitARefusedRequestUnderANewTaskId() {
        TaskRequest refused = TaskRequest.newBuilder(ContractSamples.taskRequest()).setQueue("no-such-queue").build();
        byte[] bytes = new AvroSerializer<TaskRequest>(registry, true, false).serialize("sas.task-requests", refused);
        DeadLetter letter = DeadLetter.newBuilder(ContractSamples.deadLetter()).setTask(null)
            .setReason(DeadLetterReason.INVALID_REQUEST).setSourceTopic("sas.task-requests").setTaskId("t-1")
            .setOriginalValue(ByteBuffer.wrap(bytes)).build();

        Replays.Plan plan = replays.plan(entry(letter), NOW);

        assertThat(plan.action()).isEqualTo("resubmit");
        assertThat(plan.request().getTaskId()).as("t-1 ended REJECTED for good").isNotEqualTo("t-1");
        assertThat(plan.request().getQueue()).isEqualTo("no-such-queue");
        assertThat(plan.request().getNotBefore()).isNull();
        assertThat(plan.request().getIdempotencyKey()).isEqualTo("replay:t-1");
    }

    @Test
    void shouldResendAnyOtherRecordByteForByteToItsTopic() {
        DeadLetter letter = DeadLetter.newBuilder(ContractSamples.deadLetter()).setTask(null)
            .setReason(DeadLetterReason.UNDECODABLE).setSourceTopic("sas.tasks")
            .setOriginalKey(bytes("t-9")).setOriginalValue(bytes("not avro"))
            .setOriginalHeaders(Map.of("h", bytes("v")))
            .build();

        Replays.Plan plan = replays.plan(entry(letter), NOW);

        assertThat(plan.action()).isEqualTo("resend");
        assertThat(plan.record().topic()).isEqualTo("sas.tasks");
        assertThat(new String(plan.record().key(), StandardCharsets.UTF_8)).isEqualTo("t-9");
        assertThat(new String(plan.record().value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(plan.record().headers().toArray()).extracting(Header::key)
            .containsExactly("h", Replays.REPLAYED_FROM);
    }

    @Test
    void shouldSayWhenThereIsNothingToReplay() {
        DeadLetter letter = DeadLetter.newBuilder(ContractSamples.deadLetter()).setTask(null).setOriginalValue(null)
            .build();

        Replays.Plan plan = replays.plan(entry(letter), NOW);

        assertThat(plan.replayable()).isFalse();
        assertThat(plan.note()).contains("by hand");
        assertThat(replays.plan(new DeadLetterLog.Entry("sas.dead-letters", 0, 1, NOW, null, "bad magic byte"), NOW)
            .note()).contains("bad magic byte");
    }

    private static DeadLetterLog.Entry entry(DeadLetter letter) {
        return new DeadLetterLog.Entry("sas.dead-letters", 1, 7, NOW, letter, null);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
