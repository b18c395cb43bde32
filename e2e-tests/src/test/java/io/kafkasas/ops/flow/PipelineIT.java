package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkasas.agent.Agent;
import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.AgentExit;
import io.kafkasas.avro.DeadLetter;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.RetryPolicy;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.client.TaskClient;
import io.kafkasas.scheduler.SchedulerApp;
import io.kafkasas.scheduler.SchedulerConfig;
import io.kafkasas.schemas.PipelineRuns;
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
import java.util.Optional;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines on a real broker, submitted with the Java client, run by agents and supervised: build, then test and
 * lint side by side, then package, deploy and verify. Once through; once with verify failing for good, so that
 * deploy and then package are undone. No step starts before every step it depends on has succeeded. A pipeline with
 * a step no agent handles is refused whole, naming it.
 */
@RealKafka
class PipelineIT {

    @TempDir
    Path dir;

    @Test
    void shouldRunStepsInTheirOrderAndUndoThemNewestFirstWhenOneFails(TestKafka kafka) throws Exception {
        Map<String, String> settings = TestSettings.of(kafka, "mock://" + UniqueNames.of("pipelines"));
        Map<String, String> schedulerSettings = TestSettings.withStateDir(settings, dir.resolve("scheduler"));
        schedulerSettings.put(SchedulerConfig.TASK_TYPES, "noop,sleep"); // what the agents below handle
        SchedulerConfig schedulerConfig = SchedulerConfig.of(schedulerSettings);
        Topics topics = schedulerConfig.shared().topics();
        TestTopics.create(kafka, topics.names().all(), 3);
        List<Agent> agents = new ArrayList<>();
        try (SchedulerApp scheduler = SchedulerApp.start(schedulerConfig, Clock.systemUTC());
             SupervisorApp supervisor = SupervisorApp.start(SupervisorConfig.of(TestSettings.withStateDir(settings,
                 dir.resolve("supervisor"))));
             TaskClient client = TaskClient.create(schedulerConfig.shared());
             RecordCollector<String, TaskStatus> statuses = new RecordCollector<>(kafka,
                 List.of(topics.names().taskStatus()), new StringDeserializer(),
                 topics.taskStatus().valueSerde().deserializer());
             RecordCollector<byte[], DeadLetter> letters = new RecordCollector<>(kafka,
                 List.of(topics.names().deadLetters()), topics.deadLetters().keySerde().deserializer(),
                 topics.deadLetters().valueSerde().deserializer())) {
            for (int i = 1; i <= 2; i++) {
                Map<String, String> agent = new HashMap<>(settings);
                agent.put(AgentConfig.AGENT_ID, "pipeline-agent-" + i);
                agent.put(AgentConfig.HANDLERS, "noop,sleep");
                agents.add(Agent.start(AgentConfig.of(agent), Clock.systemUTC()));
            }
            client.submitPipeline(release("through", false)).get();
            client.submitPipeline(release("undone", true)).get();
            Pipeline unhandled = release("unhandled", false);
            unhandled.getSteps().get(4).getTask().setType("deploy-v2");
            client.submitPipeline(unhandled).get();

            await().atMost(Duration.ofMinutes(2)).until(() -> ended(statuses, "undone", "package", true)
                && ended(statuses, "through", "verify", false));

            for (String pipeline : List.of("through", "undone")) {
                assertDependenciesFirst(statuses, pipeline);
            }
            assertThat(endOf(statuses, "through", "verify", false)).hasValue(TaskStatusType.SUCCEEDED);
            assertThat(endOf(statuses, "undone", "verify", false)).hasValue(TaskStatusType.DEAD_LETTERED);
            Instant deployUndone = at(statuses, PipelineRuns.undoTaskId("undone", "deploy"), TaskStatusType.SUCCEEDED);
            Instant packageUndoStarted = at(statuses, PipelineRuns.undoTaskId("undone", "package"),
                TaskStatusType.STARTED);
            assertThat(packageUndoStarted).as("package is undone after deploy").isAfterOrEqualTo(deployUndone);
            await("refused whole, naming the step").atMost(Duration.ofSeconds(30)).until(() -> letters.values(
                l -> l.getReason() == DeadLetterReason.INVALID_REQUEST).stream().anyMatch(l -> l.getMessage()
                    .contains("steps.deploy.task.type: no agent handles type 'deploy-v2'")));
            assertThat(statuses.values(s -> s.getTaskId().startsWith("pipeline:unhandled@"))).as("nothing ran")
                .isEmpty();
            assertThat(statuses.values(s -> s.getTaskId().startsWith("pipeline:through@") && PipelineRuns.isUndo(
                s.getTaskId()))).as("nothing undone in a pipeline that went through").isEmpty();
        } finally {
            agents.forEach(a -> a.stop(AgentExit.STOPPED));
            agents.forEach(Agent::awaitExit);
        }
    }

    private static TaskRequest sleep(int ms, boolean fail) {
        String payload = fail ? "{\"ms\": " + ms + ", \"fail\": \"verify found a problem\"}" : "{\"ms\": " + ms + "}";
        return TaskClient.request("sleep").setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)))
            .setRetryPolicy(RetryPolicy.newBuilder().setMaxAttempts(fail ? 1 : 3).setInitialIntervalMs(200).build())
            .build();
    }

    private static PipelineStep step(String name, boolean fail, String... dependsOn) {
        return PipelineStep.newBuilder().setName(name).setTask(sleep(200, fail)).setDependsOn(List.of(dependsOn))
            .build();
    }

    private static Pipeline release(String id, boolean verifyFails) {
        PipelineStep pack = step("package", false, "test", "lint");
        pack.setCompensation(sleep(50, false));
        PipelineStep deploy = step("deploy", false, "package");
        deploy.setCompensation(sleep(50, false));
        return Pipeline.newBuilder().setPipelineId(id).setName("release " + id).setSubmittedAt(Instant.now())
            .setSteps(List.of(step("build", false), step("test", false, "build"), step("lint", false, "build"), pack,
                deploy, step("verify", verifyFails, "deploy"))).build();
    }

    /** Each step's first start comes after the success of every step it depends on. */
    private static void assertDependenciesFirst(RecordCollector<String, TaskStatus> statuses, String pipeline) {
        Pipeline definition = release(pipeline, false);
        for (PipelineStep step : definition.getSteps()) {
            Instant started = at(statuses, PipelineRuns.stepTaskId(pipeline, step.getName()), TaskStatusType.STARTED);
            for (String dependency : step.getDependsOn()) {
                assertThat(started).as("%s %s starts after %s succeeded", pipeline, step.getName(), dependency)
                    .isAfterOrEqualTo(at(statuses, PipelineRuns.stepTaskId(pipeline, dependency),
                        TaskStatusType.SUCCEEDED));
            }
        }
    }

    private static Instant at(RecordCollector<String, TaskStatus> statuses, String taskId, TaskStatusType type) {
        return statuses.values(s -> s.getTaskId().equals(taskId) && s.getStatus() == type).stream()
            .map(TaskStatus::getTimestamp).min(Instant::compareTo).orElseThrow(() -> new AssertionError(
                "no " + type + " of " + taskId));
    }

    private static Optional<TaskStatusType> endOf(RecordCollector<String, TaskStatus> statuses, String pipeline,
                                                  String step, boolean undo) {
        String taskId = undo ? PipelineRuns.undoTaskId(pipeline, step) : PipelineRuns.stepTaskId(pipeline, step);
        return statuses.values(s -> s.getTaskId().equals(taskId) && (s.getStatus() == TaskStatusType.SUCCEEDED
            || s.getStatus() == TaskStatusType.DEAD_LETTERED)).stream().map(TaskStatus::getStatus).findFirst();
    }

    private static boolean ended(RecordCollector<String, TaskStatus> statuses, String pipeline, String step,
                                 boolean undo) {
        return endOf(statuses, pipeline, step, undo).isPresent();
    }
}
