package io.kafkasas.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A pipeline's rules, its graph, and how results reach the steps after them. */
class PipelineRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");
    private static final RequestValidator VALIDATOR = new RequestValidator(RequestValidator.Limits.queuesOnly(
        Set.of("default")));

    static {
        Contracts.trust(); // a builder fills the enum defaults
    }

    static PipelineStep step(String name, String payload, String... dependsOn) {
        return PipelineStep.newBuilder().setName(name).setDependsOn(List.of(dependsOn))
            .setTask(TaskRequest.newBuilder().setType("shell").setSubmittedAt(NOW)
                .setPayload(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8))).build()).build();
    }

    /** build -> test || lint -> package -> deploy -> verify, deploy and package undone if it fails. */
    static Pipeline release(List<PipelineStep> steps) {
        return Pipeline.newBuilder().setPipelineId("release-42").setName("release 42").setSteps(steps)
            .setSubmittedAt(NOW).build();
    }

    static List<PipelineStep> releaseSteps() {
        PipelineStep deploy = step("deploy", "{\"artifact\": ${steps.package.result}}", "package");
        deploy.setCompensation(TaskRequest.newBuilder().setType("shell").setSubmittedAt(NOW)
            .setPayload(ByteBuffer.wrap("{\"undeploy\": ${steps.deploy.result}}".getBytes(StandardCharsets.UTF_8)))
            .build());
        return new ArrayList<>(List.of(step("build", "{}"), step("test", "{}", "build"), step("lint", "{}", "build"),
            step("package", "{\"from\": ${steps.build.result}}", "test", "lint"), deploy,
            step("verify", "{}", "deploy")));
    }

    private static List<String> fields(Pipeline pipeline) {
        return PipelineRules.check(pipeline, VALIDATOR, NOW).stream().map(Violation::field).toList();
    }

    @Test
    void shouldAcceptAPipelineWithFanOutFanInAndResultReferences() {
        assertThat(PipelineRules.check(release(releaseSteps()), VALIDATOR, NOW)).isEmpty();
    }

    @Test
    void shouldNameTheCycle() {
        List<PipelineStep> steps = releaseSteps();
        steps.set(0, step("build", "{}", "verify"));

        List<Violation> problems = PipelineRules.check(release(steps), VALIDATOR, NOW);

        assertThat(problems).extracting(Violation::reason).anyMatch(r -> r.contains(
            "the dependencies form a cycle: build -> verify -> deploy -> package -> test -> build"));
    }

    @Test
    void shouldNameEveryProblemOfEveryStep() {
        List<PipelineStep> steps = releaseSteps();
        steps.add(step("build", "{}"));
        steps.add(step("lonely", "{}", "nowhere", "lonely"));
        steps.add(step("peeking", "${steps.verify.result}", "build"));
        steps.add(step("bad.name", "{}"));
        PipelineStep invalid = step("invalid", "{}");
        invalid.getTask().setType("no such type!");
        invalid.getTask().setTaskId("mine");
        steps.add(invalid);

        assertThat(fields(release(steps))).contains("steps.build", "steps.lonely.dependsOn",
            "steps.peeking.task.payload", "steps", "steps.invalid.task.type", "steps.invalid.task.taskId");
        assertThat(fields(Pipeline.newBuilder(release(List.of())).setPipelineId("a b").setName(" ")
            .setDeadline(NOW.minusSeconds(1)).build())).containsExactlyInAnyOrder("pipelineId", "name", "deadline",
            "steps");
    }

    @Test
    void shouldRefuseAStepOrACompensationNoAgentHandlesWhenTheTypesAreKnown() {
        RequestValidator known = new RequestValidator(new RequestValidator.Limits(Set.of("default"),
            Set.of("shell", "noop"), 1024, 60_000, 60_000, 10));
        List<PipelineStep> steps = releaseSteps();
        steps.get(2).getTask().setType("lint-v2");
        steps.get(4).getCompensation().setType("rollback");

        List<Violation> problems = PipelineRules.check(release(steps), known, NOW);

        assertThat(problems).extracting(v -> v.field() + ": " + v.reason()).containsExactlyInAnyOrder(
            "steps.lint.task.type: no agent handles type 'lint-v2'; the agents handle [noop, shell]",
            "steps.deploy.compensation.type: no agent handles type 'rollback'; the agents handle [noop, shell]");
        assertThat(PipelineRules.check(release(releaseSteps()), known, NOW)).isEmpty();
    }

    @Test
    void shouldStartAStepWithTheResultsOfTheStepsBeforeIt() {
        Pipeline pipeline = Pipeline.newBuilder(release(releaseSteps())).setDeadline(NOW.plusSeconds(600)).build();

        TaskRequest deploy = PipelineRules.stepRequest(pipeline, "deploy", Map.of("package",
            ByteBuffer.wrap("\"app-42.tar\"".getBytes(StandardCharsets.UTF_8))), NOW);
        TaskRequest undo = PipelineRules.undoRequest(pipeline, "deploy", Map.of(), NOW);

        assertThat(StandardCharsets.UTF_8.decode(deploy.getPayload()).toString())
            .isEqualTo("{\"artifact\": \"app-42.tar\"}");
        assertThat(deploy.getTaskId()).isEqualTo("pipeline:release-42@deploy").isEqualTo(deploy.getIdempotencyKey());
        assertThat(deploy.getHeaders()).containsEntry(Wire.PIPELINE_HEADER, "release-42")
            .containsEntry(Wire.PIPELINE_STEP_HEADER, "deploy");
        assertThat(deploy.getDeadline()).isEqualTo(NOW.plusSeconds(600));
        assertThat(undo.getTaskId()).isEqualTo("pipeline:release-42@deploy+undo");
        assertThat(StandardCharsets.UTF_8.decode(undo.getPayload()).toString()).isEqualTo("{\"undeploy\": null}");
        assertThat(PipelineRules.undoRequest(pipeline, "verify", Map.of(), NOW)).isNull();
    }

    @Test
    void shouldKnowWhichStepsAreReadyAndDrawTheGraphByLevel() {
        PipelineGraph graph = PipelineGraph.of(release(releaseSteps()));

        assertThat(graph.ready(List.of(), List.of())).containsExactly("build");
        assertThat(graph.ready(List.of("build"), List.of("build"))).containsExactly("test", "lint");
        assertThat(graph.ready(List.of("build", "test"), List.of("build", "test", "lint"))).isEmpty();
        assertThat(graph.ready(List.of("build", "test", "lint"), List.of("build", "test", "lint")))
            .containsExactly("package");
        assertThat(graph.ancestors("deploy")).containsExactlyInAnyOrder("package", "test", "lint", "build");
        assertThat(graph.draw(name -> name.equals("build") ? "SUCCEEDED" : null).lines().toList()).containsExactly(
            " 1  build [SUCCEEDED]",
            " 2  test  lint                               after build",
            " 3  package                                  after test, lint",
            " 4  deploy                                   after package",
            " 5  verify                                   after deploy");
    }
}
