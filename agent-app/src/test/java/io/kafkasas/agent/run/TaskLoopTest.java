package io.kafkasas.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.handler.Handlers;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.registry.RegistryUnavailableException;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The intake loop when its transaction fails under it. */
class TaskLoopTest {

    private static final TopicPartition TASKS = new TopicPartition("sas.tasks.default", 0);

    static {
        Contracts.trust();
    }

    private final MockProducer<byte[], IndexedRecord> outcomes = new MockProducer<>(true, null,
        new ByteArraySerializer(), (topic, value) -> new byte[0]);
    private final Reporter reporter = new Reporter(outcomes, TopicNames.defaults(),
        new AgentIdentity("agent-1", "host", 7, List.of("default"), 2), Clock.systemUTC());
    private final Handlers handlers = Handlers.load(List.of("noop"), List.of(), name -> Map.of(), Map.of(),
        getClass().getClassLoader());
    private final TaskEvent task = TaskEvent.newBuilder().setTaskId("t-1").setAttempt(1).setQueue("default")
        .setType("noop").setRetryPolicy(RetryPolicy.newBuilder().build()).setSubmittedAt(Instant.now())
        .setEmittedAt(Instant.now()).build();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    @BeforeEach
    void assignOneTask() {
        consumer.updateBeginningOffsets(Map.of(TASKS, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TASKS));
            consumer.addRecord(taskRecord());
        });
    }

    /** A producer whose first commit fails with {@code failure}, after {@code meanwhile} happened. */
    private static final class AbortedOnceProducer extends MockProducer<byte[], IndexedRecord> {
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger aborts = new AtomicInteger();
        private final Runnable meanwhile;
        private final Supplier<RuntimeException> failure;

        AbortedOnceProducer(Runnable meanwhile, Supplier<RuntimeException> failure) {
            super(true, null, new ByteArraySerializer(), (topic, value) -> new byte[0]);
            this.meanwhile = meanwhile;
            this.failure = failure;
        }

        @Override
        public void commitTransaction() {
            if (commits.incrementAndGet() == 1) {
                meanwhile.run();
                throw failure.get();
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            aborts.incrementAndGet();
            super.abortTransaction();
        }
    }

    @Test
    void shouldAbortAndReadTheTasksAgainWhenTheCoordinatorAbortedItsTransaction() throws InterruptedException {
        AbortedOnceProducer producer = new AbortedOnceProducer(() -> { },
            () -> new InvalidProducerEpochException("Producer attempted to produce with an old epoch."));
        try (Runner runner = new Runner(2, handlers, reporter, Duration.ofMillis(300), 1024,
            new SimpleMeterRegistry(), () -> { })) {
            TaskLoop loop = started(producer, runner);
            // the broker hands out the record again from the position the loop sought back to
            await().until(() -> producer.commits.get() == 1 && consumer.position(TASKS) == 0);
            consumer.schedulePollTask(() -> consumer.addRecord(taskRecord()));

            await().until(() -> statuses(outcomes, TaskStatusType.SUCCEEDED) == 1);
            loop.stop();
            assertThat(loop.awaitEnd()).as("not taken for fenced").isEqualTo(TaskLoop.End.STOPPED);
            assertThat(producer.aborts).as("the failed transaction was aborted").hasValue(1);
            assertThat(statuses(producer, TaskStatusType.STARTED)).as("STARTED committed once").isEqualTo(1);
            assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1).allSatisfy(offsets -> assertThat(
                offsets.values().iterator().next().get(TASKS).offset()).isEqualTo(1));
        }
    }

    @Test
    void shouldGoOnWhenTheGroupTookItsPartitionWhileTheBrokerWasAway() throws InterruptedException {
        // the commit fails because a rebalance (after a broker pause) gave the partition to another agent
        AbortedOnceProducer producer = new AbortedOnceProducer(() -> consumer.rebalance(List.of()),
            () -> new CommitFailedException("the group has rebalanced"));
        try (Runner runner = new Runner(2, handlers, reporter, Duration.ofMillis(300), 1024,
            new SimpleMeterRegistry(), () -> { })) {
            TaskLoop loop = started(producer, runner);
            await().until(() -> producer.aborts.get() == 1);
            loop.stop();
            assertThat(loop.awaitEnd()).as("the loop went on instead of failing").isEqualTo(TaskLoop.End.STOPPED);
            assertThat(statuses(outcomes, TaskStatusType.SUCCEEDED)).as("not run: it is another agent's now")
                .isZero();
        }
    }

    @Test
    void shouldWaitOutARegistryOutageAndThenRunTheTask() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        Deserializer<TaskEvent> flaky = (topic, bytes) -> {
            if (reads.incrementAndGet() == 1) {
                throw new RegistryUnavailableException(503, 50001, "the registry is down", null);
            }
            return task;
        };
        MockProducer<byte[], IndexedRecord> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            (topic, value) -> new byte[0]);
        try (Runner runner = new Runner(2, handlers, reporter, Duration.ofMillis(300), 1024,
            new SimpleMeterRegistry(), () -> { })) {
            TaskLoop loop = started(producer, flaky, runner);
            // read again once the registry answers, after a back-off: no dead letter, the task runs
            consumer.schedulePollTask(() -> consumer.addRecord(taskRecord()));
            await().until(() -> statuses(outcomes, TaskStatusType.SUCCEEDED) == 1);
            loop.stop();
            assertThat(loop.awaitEnd()).isEqualTo(TaskLoop.End.STOPPED);
            assertThat(producer.history()).extracting(ProducerRecord::value).noneMatch(DeadLetter.class::isInstance);
        }
    }

    @Test
    void shouldJoinTheGroupAgainWhenItWasDroppedFromItAndRunTheTask() throws InterruptedException {
        // as after a SIGSTOP or a broker pause longer than the session: the next poll finds the member unknown
        consumer.setPollException(new UnknownMemberIdException("The coordinator is not aware of this member."));
        MockProducer<byte[], IndexedRecord> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            (topic, value) -> new byte[0]);
        try (Runner runner = new Runner(2, handlers, reporter, Duration.ofMillis(300), 1024,
            new SimpleMeterRegistry(), () -> { })) {
            TaskLoop loop = started(producer, runner);
            await().until(() -> statuses(outcomes, TaskStatusType.SUCCEEDED) == 1);
            loop.stop();
            assertThat(loop.awaitEnd()).as("went on instead of failing").isEqualTo(TaskLoop.End.STOPPED);
        }
    }

    /** The loop on a thread of its own, over the one task and {@code producer}. */
    private TaskLoop started(MockProducer<byte[], IndexedRecord> producer, Runner runner) {
        return started(producer, (topic, bytes) -> task, runner);
    }

    private TaskLoop started(MockProducer<byte[], IndexedRecord> producer, Deserializer<TaskEvent> events,
                             Runner runner) {
        TaskLoop loop = new TaskLoop(consumer, producer, events, runner, reporter, List.of(TASKS.topic()),
            new LanePicker(topic -> Lane.NORMAL, 10), letter -> { });
        new Thread(loop).start();
        return loop;
    }

    private static ConsumerRecord<byte[], byte[]> taskRecord() {
        return new ConsumerRecord<>(TASKS.topic(), 0, 0, "t-1".getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static long statuses(MockProducer<byte[], IndexedRecord> producer, TaskStatusType type) {
        return producer.history().stream().map(ProducerRecord::value).filter(TaskStatus.class::isInstance)
            .map(TaskStatus.class::cast).filter(s -> s.getStatus() == type).count();
    }
}
