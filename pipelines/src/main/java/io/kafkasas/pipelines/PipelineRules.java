package io.kafkasas.pipelines;

import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.PipelineRuns;
import io.kafkasas.schemas.Wire;
import io.kafkasas.schemas.requests.RequestValidator;
import io.kafkasas.schemas.requests.Violation;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes a pipeline valid, every problem named: its id and name, its steps' names (unique), their dependencies
 * (steps of this pipeline, no cycle: the cycle is named), their result references ({@link ResultRefs}), and each
 * step's task and compensation as the scheduler would check them. And the task request a step or a compensation
 * submits.
 */
public final class PipelineRules {

    public static final int MAX_STEPS = 100;
    private static final int MAX_NAME_CHARS = 200;
    /** A step's run id, key and start are the pipeline's to set. */
    private static final String SET_BY_PIPELINE = "is set by the pipeline for each step";

    static {
        Contracts.trust(); // the records built here are contract classes
    }

    private PipelineRules() {
    }

    /** Every problem of {@code pipeline} at {@code now}; empty when it is valid. */
    public static List<Violation> check(Pipeline pipeline, RequestValidator validator, Instant now) {
        List<Violation> problems = new ArrayList<>();
        if (!PipelineRuns.isPipelineId(pipeline.getPipelineId())) {
            problems.add(new Violation("pipelineId", "must be 1-100 characters of A-Z a-z 0-9 . _ -, was '"
                + pipeline.getPipelineId() + "'"));
        }
        if (pipeline.getName().isBlank() || pipeline.getName().length() > MAX_NAME_CHARS
                || pipeline.getName().chars().anyMatch(Character::isISOControl)) {
            problems.add(new Violation("name", "must be 1-" + MAX_NAME_CHARS + " printable characters"));
        }
        if (pipeline.getDeadline() != null && !pipeline.getDeadline().isAfter(now)) {
            problems.add(new Violation("deadline", "must be in the future, was " + pipeline.getDeadline()));
        }
        List<PipelineStep> steps = pipeline.getSteps();
        if (steps.isEmpty() || steps.size() > MAX_STEPS) {
            problems.add(new Violation("steps", "must be 1 to " + MAX_STEPS + " steps, were " + steps.size()));
        }
        PipelineGraph graph = PipelineGraph.of(pipeline);
        Set<String> seen = new HashSet<>();
        for (PipelineStep step : steps) {
            checkStep(pipeline, step, graph, seen.add(step.getName()), validator, now, problems);
        }
        graph.cycle().ifPresent(cycle -> problems.add(new Violation("steps", "the dependencies form a cycle: "
            + String.join(" -> ", cycle))));
        return problems;
    }

    private static void checkStep(Pipeline pipeline, PipelineStep step, PipelineGraph graph, boolean first,
                                  RequestValidator validator, Instant now, List<Violation> problems) {
        String name = step.getName();
        String field = "steps." + name;
        if (!PipelineRuns.isStepName(name)) {
            problems.add(new Violation("steps", "a step name must be 1-64 characters of A-Z a-z 0-9 _ -, was '"
                + name + "'"));
            return;
        }
        if (!first) {
            problems.add(new Violation(field, "another step has this name"));
            return;
        }
        for (String dependency : step.getDependsOn()) {
            if (dependency.equals(name)) {
                problems.add(new Violation(field + ".dependsOn", "a step cannot depend on itself"));
            } else if (graph.step(dependency) == null) {
                problems.add(new Violation(field + ".dependsOn", "names no step of this pipeline: '" + dependency
                    + "'"));
            }
        }
        Set<String> visible = graph.ancestors(name);
        checkTask(pipeline, name, step.getTask(), field + ".task", visible, validator, now, problems);
        if (step.getCompensation() != null) {
            Set<String> ownToo = new HashSet<>(visible);
            ownToo.add(name);
            checkTask(pipeline, name, step.getCompensation(), field + ".compensation", ownToo, validator, now,
                problems);
        }
    }

    private static void checkTask(Pipeline pipeline, String step, TaskRequest task, String field,
                                  Set<String> visible, RequestValidator validator, Instant now,
                                  List<Violation> problems) {
        if (task.getTaskId() != null) {
            problems.add(new Violation(field + ".taskId", SET_BY_PIPELINE));
        }
        if (task.getIdempotencyKey() != null) {
            problems.add(new Violation(field + ".idempotencyKey", SET_BY_PIPELINE));
        }
        if (task.getNotBefore() != null) {
            problems.add(new Violation(field + ".notBefore", SET_BY_PIPELINE + " (once its dependencies succeeded)"));
        }
        for (String referenced : ResultRefs.referenced(task.getPayload())) {
            if (!visible.contains(referenced)) {
                problems.add(new Violation(field + ".payload", "refers to the result of '" + referenced
                    + "', which is not a step it depends on"));
            }
        }
        TaskRequest request = request(pipeline, step, task, PipelineRuns.stepTaskId(pipeline.getPipelineId(), step),
            Map.of(), now);
        validator.check(request, now).stream()
            .filter(v -> !v.field().equals("taskId") && !v.field().equals("idempotencyKey"))
            .forEach(v -> problems.add(new Violation(field + "." + v.field(), v.reason())));
    }

    /** The request that starts {@code step}, its payload's references resolved from {@code results}. */
    public static TaskRequest stepRequest(Pipeline pipeline, String step, Map<String, ByteBuffer> results,
                                          Instant now) {
        return request(pipeline, step, PipelineGraph.of(pipeline).step(step).getTask(),
            PipelineRuns.stepTaskId(pipeline.getPipelineId(), step), results, now);
    }

    /** The request that undoes {@code step}; null if it has no compensation. */
    public static TaskRequest undoRequest(Pipeline pipeline, String step, Map<String, ByteBuffer> results,
                                          Instant now) {
        TaskRequest compensation = PipelineGraph.of(pipeline).step(step).getCompensation();
        return compensation == null ? null : request(pipeline, step, compensation,
            PipelineRuns.undoTaskId(pipeline.getPipelineId(), step), results, now);
    }

    private static TaskRequest request(Pipeline pipeline, String step, TaskRequest template, String taskId,
                                       Map<String, ByteBuffer> results, Instant now) {
        Map<String, String> headers = new HashMap<>(template.getHeaders());
        headers.put(Wire.PIPELINE_HEADER, pipeline.getPipelineId());
        headers.put(Wire.PIPELINE_STEP_HEADER, step);
        Instant deadline = template.getDeadline();
        if (pipeline.getDeadline() != null && (deadline == null || pipeline.getDeadline().isBefore(deadline))) {
            deadline = pipeline.getDeadline();
        }
        return TaskRequest.newBuilder(template).setTaskId(taskId).setIdempotencyKey(taskId).setSubmittedAt(now)
            .setPayload(ResultRefs.resolve(template.getPayload(), results)).setDeadline(deadline)
            .setSubmittedBy(pipeline.getSubmittedBy() != null ? pipeline.getSubmittedBy()
                : PipelineRuns.PREFIX + pipeline.getPipelineId())
            .setHeaders(headers).build();
    }
}
