package io.kafkasas.supervisor.tasks;

import io.kafkasas.avro.SupervisedTask;
import io.kafkasas.avro.SupervisedTaskState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which RUNNING task of this partition runs on which agent incarnation, in memory: what a death verdict needs to
 * find the attempts it orphans. Rebuilt from the task store when a task partition starts, kept in step by every
 * save; it costs no writes.
 */
final class RunningAttempts {

    private record On(String agentId, long incarnation) {
    }

    private final Map<String, On> byTask = new HashMap<>();
    private final Map<String, Map<String, Long>> byAgent = new HashMap<>();

    /** Records where {@code task} runs now (nowhere, unless it is RUNNING). */
    void update(SupervisedTask task) {
        On before = byTask.remove(task.getTaskId());
        if (before != null) {
            Map<String, Long> tasks = byAgent.get(before.agentId());
            tasks.remove(task.getTaskId());
            if (tasks.isEmpty()) {
                byAgent.remove(before.agentId());
            }
        }
        if (task.getState() == SupervisedTaskState.RUNNING && task.getAgentId() != null) {
            long incarnation = task.getIncarnation() == null ? 0 : task.getIncarnation();
            byTask.put(task.getTaskId(), new On(task.getAgentId(), incarnation));
            byAgent.computeIfAbsent(task.getAgentId(), a -> new HashMap<>()).put(task.getTaskId(), incarnation);
        }
    }

    /** The tasks that {@code agentId} runs in {@code incarnation} or an older one. */
    List<String> on(String agentId, long incarnation) {
        return byAgent.getOrDefault(agentId, Map.of()).entrySet().stream()
            .filter(e -> e.getValue() <= incarnation).map(Map.Entry::getKey).sorted().toList();
    }
}
