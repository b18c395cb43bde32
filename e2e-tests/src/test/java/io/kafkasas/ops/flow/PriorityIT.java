package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.avro.TaskEvent;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.topics.Lane;
import io.kafkasas.schemas.topics.Topics;
import io.kafkasas.supervisor.SupervisorApp;
import io.kafkasas.supervisor.SupervisorConfig;
import io.kafkasas.testkit.RealKafka;
import io.kafkasas.testkit.RecordCollector;
import io.kafkasas.testkit.TestKafka;
import io.kafkasas.testkit.TestTopics;
import io.kafkasas.testkit.UniqueNames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Priorities on a real broker, with one agent of two slots kept busy. A trickle of high-priority tasks passes a
 * backlog of low ones; and the low backlog still moves while a backlog of high ones waits (no starvation).
 */
@RealKafka
class PriorityIT {

    private static final Logger LOG = LoggerFactory.getLogger(PriorityIT.class);

    private static final int LOW_BACKLOG = 300;

    @TempDir
    Path dir;

    @Test
    void shouldStartHighPriorityTasksBeforeAWaitingBacklogAndStillStartLowOnes(TestKafka kafka) throws Exception {
        Map<String, String> settings = TestSettings.of(kafka, "mock://" + UniqueNames.of("priorities"));
        SchedulerConfig schedulerConfig = SchedulerConfig.of(TestSettings.withStateDir(settings,
            dir.resolve("scheduler")));
        Topics topics = schedulerConfig.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 3);
        Map<String, String> agentSettings = new HashMap<>(settings);
        agentSettings.put(AgentConfig.AGENT_ID, "priority-agent");
        agentSettings.put(AgentConfig.CONCURRENCY, "2");
        try (SchedulerApp scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
             SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(TestSettings.withStateDir(settings,
                 dir.resolve("supervisor"))));
             TaskClient client = TaskClient.create(schedulerConfig.shared());
             RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                 List.of(topics.names().taskStatus()), new StringDeserializer(),
                 topics.taskStatus().valueSerde().deserializer());
             RecordCollector<String, TaskEvent> queued = new RecordCollector<>(kafka,
                 List.of(topics.names().tasks("default", Lane.HIGH)), new StringDeserializer(),
                 topics.tasks("default").valueSerde().deserializer())) {
            List<String> lows = submit(client, "low", LOW_BACKLOG, -1);
            Agent agent = Agent.start(AgentConfig.of(agentSettings), Clock.systemUTC());
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> started(statuses, "low").size() >= 20);
                for (int i = 0; i < 5; i++) { // a trickle
                    submit(client, "high-" + i, 1, 5);
                    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> started(statuses, "high").size() == 5);

                List<String> order = started(statuses, "");
                for (TaskEvent high : queued.values(e -> e.getTaskId().startsWith("high"))) {
                    Instant startedAt = startOf(statuses, high.getTaskId());
                    long lowsMeanwhile = order.stream().filter(id -> id.startsWith("low")).map(id -> startOf(statuses,
                        id)).filter(t -> t.isAfter(high.getEmittedAt()) && t.isBefore(startedAt)).count();
                    LOG.info("{}: {} low task(s) started while it waited", high.getTaskId(), lowsMeanwhile);
                    // in order of arrival about 280 would; 0 to 11 here alone, up to 50 beside a busy test JVM
                    assertThat(lowsMeanwhile).as("low tasks that started while %s waited", high.getTaskId())
                        .isLessThanOrEqualTo(100);
                }
                assertThat(started(statuses, "low")).as("the low backlog still waits: the high ones passed it")
                    .hasSizeLessThan(LOW_BACKLOG / 2);

                List<String> highs = submit(client, "busy", 200, 5);
                await().atMost(Duration.ofSeconds(120)).until(() -> started(statuses, "busy").size() == highs.size());
                Instant firstHigh = highs.stream().map(id -> startOf(statuses, id)).min(Instant::compareTo)
                    .orElseThrow();
                Instant lastHigh = highs.stream().map(id -> startOf(statuses, id)).max(Instant::compareTo)
                    .orElseThrow();
                long lowsMeanwhile = started(statuses, "low").stream().map(id -> startOf(statuses, id))
                    .filter(t -> t.isAfter(firstHigh) && t.isBefore(lastHigh)).count();
                LOG.info("{} low task(s) started while 200 high ones kept the agent busy", lowsMeanwhile);
                assertThat(lowsMeanwhile).as("low tasks started while 200 high ones kept the agent busy: one start in"
                    + " 10 is theirs (about 20), so they are not starved").isGreaterThanOrEqualTo(10);
            } finally {
                agent.stop(AgentExit.STOPPED);
                agent.awaitExit();
            }
        }
    }

    private static List<String> submit(TaskClient client, String prefix, int count, int priority) {
        List<CompletableFuture<String>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(client.submit(TaskClient.request("sleep").setTaskId(count == 1 ? prefix : prefix + "-" + i)
                .setPriority(priority)
                .setPayload(ByteBuffer.wrap("{\"ms\": 60}".getBytes(StandardCharsets.UTF_8))).build()));
        }
        return acks.stream().map(CompletableFuture::join).toList();
    }

    /** The tasks whose id begins with {@code prefix} that have started, in the order they did. */
    private static List<String> started(RecordCollector<String, TaskStatus> statuses, String prefix) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.STARTED && s.getTaskId().startsWith(prefix))
            .stream().sorted((a, b) -> a.getTimestamp().compareTo(b.getTimestamp())).map(TaskStatus::getTaskId)
            .distinct().toList();
    }

    private static Instant startOf(RecordCollector<String, TaskStatus> statuses, String taskId) {
        return statuses.values(s -> s.getStatus() == TaskStatusType.STARTED && s.getTaskId().equals(taskId))
            .stream().map(TaskStatus::getTimestamp).min(Instant::compareTo).orElse(null);
    }
}
