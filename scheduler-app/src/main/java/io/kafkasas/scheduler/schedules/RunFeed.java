package io.kafkasas.scheduler.schedules;

import io.kafkasas.avro.TaskStatus;
import io.kafkasas.avro.TaskStatusType;
import io.kafkasas.schemas.ScheduleRuns;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the statuses of schedule runs out of the status topic by their key (a run id), keeps those that change a
 * run's state (started, ended), and keys them by their schedule. A status that does not decode is passed over: the
 * supervisor, the status topic's reader of record, dead-letters it.
 */
final class RunFeed implements Processor<byte[], byte[], String, TaskStatus> {

    private static final Logger LOG = LoggerFactory.getLogger(RunFeed.class);
    /** The statuses that change what a schedule knows of a run; progress, retried failures and the like do not. */
    private static final Set<TaskStatusType> CHANGES_A_RUN = EnumSet.of(TaskStatusType.STARTED,
        TaskStatusType.SUCCEEDED, TaskStatusType.CANCELLED, TaskStatusType.DEAD_LETTERED, TaskStatusType.REJECTED);
    private final Deserializer<TaskStatus> statuses;
    private ProcessorContext<String, TaskStatus> context;

    RunFeed(Deserializer<TaskStatus> statuses) {
        this.statuses = statuses;
    }

    @Override
    public void init(ProcessorContext<String, TaskStatus> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String taskId = new String(record.key(), StandardCharsets.UTF_8);
        String schedule = ScheduleRuns.scheduleOf(taskId).orElse(null);
        if (schedule == null) {
            return;
        }
        try {
            TaskStatus status = statuses.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""),
                record.value());
            if (status != null && taskId.equals(status.getTaskId()) && CHANGES_A_RUN.contains(status.getStatus())) {
                context.forward(new Record<>(schedule, status, record.timestamp()));
            }
        } catch (RuntimeException e) {
            LOG.debug("Passing over an undecodable status of schedule run {}: {}", taskId, e.toString());
        }
    }
}
