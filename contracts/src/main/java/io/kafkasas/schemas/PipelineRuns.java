package io.kafkasas.schemas;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The task ids of a pipeline's steps, defined once: {@code pipeline:<pipeline id>@<step>} for a step and
 * {@code pipeline:<pipeline id>@<step>+undo} for its compensation; each is also the task's idempotency key, so a step
 * handed over twice runs once. The scheduler tells a pipeline's statuses from the others' by the prefix of their key.
 */
public final class PipelineRuns {

    public static final String PREFIX = "pipeline:";
    public static final String UNDO = "+undo";
    private static final Pattern PIPELINE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern STEP_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private PipelineRuns() {
    }

    public static boolean isPipelineId(String id) {
        return id != null && PIPELINE_ID.matcher(id).matches();
    }

    /** Step names are part of task ids and of {@code ${steps.<name>.result}}: no dots, no separators. */
    public static boolean isStepName(String name) {
        return name != null && STEP_NAME.matcher(name).matches();
    }

    public static String stepTaskId(String pipelineId, String step) {
        return PREFIX + pipelineId + "@" + step;
    }

    public static String undoTaskId(String pipelineId, String step) {
        return stepTaskId(pipelineId, step) + UNDO;
    }

    /** The pipeline a step's task belongs to; empty for any other task id. */
    public static Optional<String> pipelineOf(String taskId) {
        return taskId != null && taskId.startsWith(PREFIX) && taskId.indexOf('@') > PREFIX.length()
            ? Optional.of(taskId.substring(PREFIX.length(), taskId.indexOf('@'))) : Optional.empty();
    }

    /** The step a task id names (its own task or its compensation's); empty for any other task id. */
    public static Optional<String> stepOf(String taskId) {
        if (pipelineOf(taskId).isEmpty()) {
            return Optional.empty();
        }
        String step = taskId.substring(taskId.indexOf('@') + 1);
        return Optional.of(step.endsWith(UNDO) ? step.substring(0, step.length() - UNDO.length()) : step);
    }

    public static boolean isUndo(String taskId) {
        return pipelineOf(taskId).isPresent() && taskId.endsWith(UNDO);
    }
}
