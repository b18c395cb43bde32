package io.kafkasas.supervisor.tasks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The timer wheel: at most one timer per task (its retry or its deadline), in memory. It is rebuilt from the task
 * store when a task partition starts ({@link TaskMachine#timerOf} of every task), so it costs no writes: a timer is
 * a function of the task record, which is already changelogged.
 */
final class TaskTimers {

    private record Timer(long dueMs, String taskId) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(dueMs, other.dueMs);
            return byTime != 0 ? byTime : taskId.compareTo(other.taskId);
        }
    }

    private final NavigableSet<Timer> wheel = new TreeSet<>();
    private final Map<String, Long> dueByTask = new HashMap<>();

    /** Sets the task's timer to {@code due}, or removes it (null). */
    void set(String taskId, Instant due) {
        Long before = due == null ? dueByTask.remove(taskId) : dueByTask.put(taskId, due.toEpochMilli());
        if (before != null) {
            wheel.remove(new Timer(before, taskId));
        }
        if (due != null) {
            wheel.add(new Timer(due.toEpochMilli(), taskId));
        }
    }

    /** The tasks whose timers are due at {@code now}, earliest first; their timers are removed. */
    List<String> takeDue(Instant now) {
        List<String> due = new ArrayList<>();
        while (!wheel.isEmpty() && wheel.first().dueMs() <= now.toEpochMilli()) {
            Timer timer = wheel.pollFirst();
            dueByTask.remove(timer.taskId());
            due.add(timer.taskId());
        }
        return due;
    }
}
