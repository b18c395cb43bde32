package io.kafkasas.ops.local;

import io.kafkasas.app.Polls;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.ops.local.DemoWorkload.Submitted;
import io.kafkasas.schemas.ScheduleRuns;
import io.kafkasas.schemas.topics.Topic;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongBinaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the status topic and draws a progress bar with counts per state until every demo task has ended, then
 * a table of outcomes by kind of task and by agent.
 */
final class ProgressView {

    /** With the supervisor, FAILED and TIMED_OUT are retried: only these end a task. */
    static final Set<TaskStatusType> TERMINAL = EnumSet.of(TaskStatusType.SUCCEEDED, TaskStatusType.CANCELLED,
        TaskStatusType.REJECTED, TaskStatusType.DEAD_LETTERED);
    private static final int BAR = 40;

    private final Map<String, TaskStatus> latest = new HashMap<>();
    private final Map<String, String> agentOf = new HashMap<>();
    /** The statuses each run of a schedule has had. */
    private final Map<String, Set<TaskStatusType>> runs = new TreeMap<>();
    private final PrintWriter out;
    private final boolean terminal;

    ProgressView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Follows statuses until every task in {@code tasks} has ended or {@code timeout} passed; true if all ended. */
    boolean follow(Map<String, Object> kafka, Topic<String, TaskStatus> statuses, List<Submitted> tasks,
                   Duration timeout, LongBinaryOperator onDraw) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Instant deadline = Instant.now().plus(timeout);
        Instant nextDraw = Instant.now();
        try (KafkaConsumer<String, TaskStatus> consumer = new KafkaConsumer<>(props,
                statuses.keySerde().deserializer(), statuses.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(statuses.name()).stream()
                .map(p -> new TopicPartition(statuses.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, TaskStatus> record
                    : Polls.skippingUndecodable(consumer, Duration.ofMillis(200))) {
                    TaskStatus status = record.value();
                    if (status == null) {
                        continue; // a tombstone: nothing of ours, and the apps dead-letter it
                    }
                    latest.put(status.getTaskId(), status);
                    if (ScheduleRuns.isRun(status.getTaskId())) {
                        runs.computeIfAbsent(status.getTaskId(), id -> EnumSet.noneOf(TaskStatusType.class))
                            .add(status.getStatus());
                    }
                    if (status.getAgentId() != null) {
                        agentOf.put(status.getTaskId(), status.getAgentId());
                    }
                }
                boolean done = ended(tasks) == tasks.size();
                if (done || Instant.now().isAfter(nextDraw)) {
                    draw(tasks);
                    onDraw.applyAsLong(ended(tasks), tasks.size());
                    nextDraw = Instant.now().plusMillis(500);
                }
                if (done) {
                    out.println();
                    return true;
                }
            }
        }
        out.println();
        return false;
    }

    private long ended(List<Submitted> tasks) {
        return tasks.stream().filter(t -> latest.containsKey(t.taskId())
            && TERMINAL.contains(latest.get(t.taskId()).getStatus())).count();
    }

    private Map<TaskStatusType, Long> counts(List<Submitted> tasks) {
        Map<TaskStatusType, Long> counts = new EnumMap<>(TaskStatusType.class);
        for (Submitted task : tasks) {
            TaskStatus status = latest.get(task.taskId());
            counts.merge(status == null ? TaskStatusType.UNKNOWN : status.getStatus(), 1L, Long::sum);
        }
        return counts;
    }

    private void draw(List<Submitted> tasks) {
        long done = ended(tasks);
        int filled = (int) (BAR * done / Math.max(1, tasks.size()));
        String states = counts(tasks).entrySet().stream()
            .map(e -> (e.getKey() == TaskStatusType.UNKNOWN ? "SUBMITTED" : e.getKey().name()) + " " + e.getValue())
            .collect(Collectors.joining("  "));
        String line = String.format("[%s%s] %d/%d ended   %s   %s", "#".repeat(filled), ".".repeat(BAR - filled),
            done, tasks.size(), states, scheduled());
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The final table: outcomes by kind of task, and tasks run by each agent. */
    void summary(List<Submitted> tasks) {
        Map<String, Map<TaskStatusType, Long>> byKind = new TreeMap<>();
        for (Submitted task : tasks) {
            TaskStatus status = latest.get(task.taskId());
            TaskStatusType state = status == null ? TaskStatusType.UNKNOWN : status.getStatus();
            byKind.computeIfAbsent(task.kind(), k -> new EnumMap<>(TaskStatusType.class)).merge(state, 1L, Long::sum);
        }
        List<TaskStatusType> columns = List.of(TaskStatusType.SUCCEEDED, TaskStatusType.DEAD_LETTERED,
            TaskStatusType.REJECTED, TaskStatusType.CANCELLED);
        out.printf("%n%-10s %6s", "kind", "tasks");
        columns.forEach(c -> out.printf(" %13s", c));
        out.printf(" %10s %10s%n", "not ended", "re-run");
        byKind.forEach((kind, counts) -> {
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            out.printf("%-10s %6d", kind, total);
            columns.forEach(c -> out.printf(" %13d", counts.getOrDefault(c, 0L)));
            long open = counts.entrySet().stream().filter(e -> !TERMINAL.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
            long rerun = tasks.stream().filter(t -> t.kind().equals(kind) && latest.containsKey(t.taskId())
                && latest.get(t.taskId()).getAttempt() > 1).count();
            out.printf(" %10d %10d%n", open, rerun);
        });
        Map<String, Long> byAgent = tasks.stream().map(t -> agentOf.get(t.taskId())).filter(a -> a != null)
            .collect(Collectors.groupingBy(a -> a, TreeMap::new, Collectors.counting()));
        out.printf("%nTasks run per agent: %s%n", byAgent);
        out.printf("Scheduled: %s; each a task named schedule:<id>@<slot>%n", scheduled());
        out.flush();
    }

    /** The schedules' runs seen so far, and how many of them succeeded. */
    private String scheduled() {
        long succeeded = runs.values().stream().filter(s -> s.contains(TaskStatusType.SUCCEEDED)).count();
        return String.format("schedule runs %d (%d SUCCEEDED)", runs.size(), succeeded);
    }

    /** How many tasks {@code agentId} is running, by the latest statuses. */
    long runningOn(String agentId) {
        return latest.entrySet().stream().filter(e -> agentId.equals(agentOf.get(e.getKey()))
            && (e.getValue().getStatus() == TaskStatusType.STARTED
                || e.getValue().getStatus() == TaskStatusType.PROGRESS)).count();
    }
}
