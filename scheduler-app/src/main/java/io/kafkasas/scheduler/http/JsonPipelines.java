package io.kafkasas.scheduler.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineFailurePolicy;
import io.kafkasas.avro.PipelineRun;
import io.kafkasas.avro.PipelineStep;
import io.kafkasas.avro.PipelineStepRun;
import io.kafkasas.avro.TaskRequest;
import io.kafkasas.pipelines.PipelineGraph;
import io.kafkasas.schemas.Contracts;
import io.kafkasas.schemas.requests.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Pipelines as JSON: the body of {@code POST /pipelines} read into a pipeline (unknown fields refused, every
 * problem named), and a pipeline's progress written for {@code GET}.
 *
 * <pre>{@code
 * {"pipelineId": "release-42", "name": "release 42", "onFailure": "COMPENSATE", "deadline": "2026-12-06T12:00:00Z",
 *  "steps": [{"name": "build", "task": {"type": "shell", "payload": {"command": "make"}}},
 *            {"name": "deploy", "dependsOn": ["build"], "task": {...}, "compensation": {...}}]}
 * }</pre>
 */
public final class JsonPipelines {

    private static final Set<String> FIELDS = Set.of("pipelineId", "name", "steps", "deadline", "onFailure");
    private static final Set<String> STEP_FIELDS = Set.of("name", "task", "dependsOn", "compensation");

    private JsonPipelines() {
    }

    /** The outcome: the pipeline as read (null when it could not be) and what prevented reading it fully. */
    public record Parsed(Pipeline pipeline, List<Violation> violations) {
    }

    /** {@code body} as a pipeline submitted now by {@code by}; without a pipelineId it gets a fresh one. */
    public static Parsed parse(JsonNode body, Instant now, String by) {
        Contracts.trust();
        List<Violation> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Parsed(null, List.of(new Violation("(body)", "must be a JSON object")));
        }
        JsonRequests.unknownFields(body, FIELDS, "", problems);
        String id = JsonRequests.text(body, "pipelineId", problems);
        String name = JsonRequests.text(body, "name", problems);
        String pipelineId = id != null ? id : UUID.randomUUID().toString();
        // a name is for people: the id does when none is given
        Pipeline.Builder pipeline = Pipeline.newBuilder().setPipelineId(pipelineId)
            .setName(name != null ? name : pipelineId).setSubmittedAt(now).setSubmittedBy(by)
            .setDeadline(JsonRequests.time(body, "deadline", problems));
        String policy = JsonRequests.text(body, "onFailure", problems);
        if (policy != null) {
            try {
                pipeline.setOnFailure(PipelineFailurePolicy.valueOf(policy));
            } catch (IllegalArgumentException e) {
                problems.add(new Violation("onFailure", "must be COMPENSATE or STOP, was '" + policy + "'"));
            }
        }
        List<PipelineStep> steps = new ArrayList<>();
        JsonNode list = body.get("steps");
        if (list == null || !list.isArray()) {
            problems.add(new Violation("steps", "is required: a list of steps"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                steps.add(step(list.get(i), "steps[" + i + "]", now, problems));
            }
        }
        return new Parsed(pipeline.setSteps(steps).build(), problems);
    }

    private static PipelineStep step(JsonNode node, String field, Instant now, List<Violation> problems) {
        PipelineStep.Builder step = PipelineStep.newBuilder().setName("").setTask(empty(now));
        if (node == null || !node.isObject()) {
            problems.add(new Violation(field, "must be an object: name, task, dependsOn, compensation"));
            return step.build();
        }
        JsonRequests.unknownFields(node, STEP_FIELDS, field + ".", problems);
        String name = JsonRequests.text(node, "name", problems);
        step.setName(name != null ? name : "");
        step.setTask(task(node.get("task"), field + ".task", now, problems));
        if (node.hasNonNull("compensation")) {
            step.setCompensation(task(node.get("compensation"), field + ".compensation", now, problems));
        }
        List<String> dependsOn = new ArrayList<>();
        JsonNode deps = node.get("dependsOn");
        if (deps != null && !deps.isArray()) {
            problems.add(new Violation(field + ".dependsOn", "must be a list of step names"));
        } else if (deps != null) {
            deps.forEach(d -> dependsOn.add(d.asText()));
        }
        return step.setDependsOn(dependsOn).build();
    }

    private static TaskRequest task(JsonNode node, String field, Instant now, List<Violation> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new Violation(field, "is required: a task, as for POST /tasks"));
            return empty(now);
        }
        JsonRequests.Parsed parsed = JsonRequests.parse(node, now);
        parsed.violations().forEach(v -> problems.add(new Violation(field + "." + v.field(), v.reason())));
        return parsed.request() != null ? parsed.request() : empty(now);
    }

    private static TaskRequest empty(Instant now) {
        return TaskRequest.newBuilder().setType("").setSubmittedAt(now).build();
    }

    /** A pipeline as {@code GET /pipelines/{id}} shows it: its state, each step's, and the graph drawn as text. */
    public static Map<String, Object> view(PipelineRun run) {
        Pipeline pipeline = run.getPipeline();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("pipelineId", pipeline.getPipelineId());
        view.put("name", pipeline.getName());
        view.put("state", run.getState().name());
        view.put("failure", run.getFailure());
        view.put("onFailure", pipeline.getOnFailure().name());
        view.put("deadline", pipeline.getDeadline() == null ? null : pipeline.getDeadline().toString());
        view.put("submittedAt", pipeline.getSubmittedAt().toString());
        view.put("submittedBy", pipeline.getSubmittedBy());
        view.put("updatedAt", run.getUpdatedAt().toString());
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, String> states = new HashMap<>();
        Map<String, List<String>> dependsOn = new HashMap<>();
        pipeline.getSteps().forEach(step -> dependsOn.put(step.getName(), step.getDependsOn()));
        for (PipelineStepRun step : run.getSteps()) {
            states.put(step.getName(), step.getState().name());
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", step.getName());
            s.put("state", step.getState().name());
            s.put("dependsOn", dependsOn.getOrDefault(step.getName(), List.of()));
            s.put("attempts", step.getAttempts());
            s.put("submittedAt", text(step.getSubmittedAt()));
            s.put("startedAt", text(step.getStartedAt()));
            s.put("endedAt", text(step.getEndedAt()));
            s.put("result", step.getResult() == null ? null
                : StandardCharsets.UTF_8.decode(step.getResult().duplicate()).toString());
            s.put("error", step.getError() == null ? null : step.getError().getType() + ": "
                + step.getError().getMessage());
            steps.add(s);
        }
        view.put("steps", steps);
        view.put("completed", run.getCompleted());
        view.put("graph", PipelineGraph.of(pipeline).draw(states::get));
        return view;
    }

    private static String text(Instant time) {
        return time == null ? null : time.toString();
    }
}
