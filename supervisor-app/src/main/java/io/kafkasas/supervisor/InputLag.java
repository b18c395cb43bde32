package io.kafkasas.supervisor;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Input records not processed yet, per active task of this instance: Kafka Streams' end offsets minus its
 * committed offsets, refreshed every 200 ms off the stream threads.
 */
final class InputLag implements ToLongFunction<TaskId>, AutoCloseable {

    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "supervisor-input-lag");
        t.setDaemon(true);
        return t;
    });
    private volatile Map<TaskId, Long> lags = Map.of();
    private KafkaStreams streams;

    /** Starts refreshing from {@code streams} (set once it exists: the topology is built before it). */
    void watch(KafkaStreams streams) {
        this.streams = streams;
        refresher.scheduleWithFixedDelay(this::refresh, 200, 200, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        if (!streams.state().isRunningOrRebalancing()) {
            return;
        }
        Map<TaskId, Long> now = new HashMap<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                long lag = 0;
                for (Map.Entry<TopicPartition, Long> end : task.endOffsets().entrySet()) {
                    lag += Math.max(0, end.getValue() - task.committedOffsets().getOrDefault(end.getKey(), 0L));
                }
                now.put(task.taskId(), lag);
            }
        }
        lags = now;
    }

    @Override
    public long applyAsLong(TaskId task) {
        return lags.getOrDefault(task, 0L);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
