package io.kafkasas.ops.bench;

import io.kafkasas.client.TaskClient;
import io.kafkasas.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Closed-loop throughput: {@code tasks} no-op tasks submitted as fast as the client can send them; timed until the
 * last is QUEUED (scheduler), STARTED and SUCCEEDED (agents), and until the supervisor has read every status (its
 * view). The broker's log growth over the run gives the records and bytes one task costs, by topic.
 */
final class ThroughputRun {

    /**
     * One run: seconds from the first submit to the end of each stage (the last SUCCEEDED status, then the
     * supervisor having read it), and the log growth per task.
     */
    record Result(long tasks, double submitSeconds, double queuedSeconds, double startedSeconds,
                  double succeededSeconds, double supervisedSeconds, double recordsPerTask, double bytesPerTask,
                  Map<String, Double> recordsPerTaskByTopic) {

        /** End to end: until every task is SUCCEEDED in the supervisor's view. */
        double tasksPerSecond() {
            return tasks / supervisedSeconds;
        }
    }

    private ThroughputRun() {
    }

    /** {@code prefix}: the stack's topic prefix, whose topics' growth is what the tasks cost. */
    static Result run(TaskClient client, Map<String, Object> kafka, Topics topics, Admin admin,
                      String prefix, String supervisor, long tasks, Duration timeout)
        throws ExecutionException, InterruptedException {
        LogGrowth before = LogGrowth.of(admin, prefix);
        try (StatusTimes times = new StatusTimes(kafka, topics)) {
            long start = System.currentTimeMillis();
            for (long i = 0; i < tasks; i++) {
                client.submit(TaskClient.request("noop").build());
            }
            client.flush();
            double submitted = (System.currentTimeMillis() - start) / 1000.0;
            if (!times.await(StatusTimes.SUCCEEDED, tasks, timeout)) {
                throw new IllegalStateException("Only " + times.count(StatusTimes.SUCCEEDED) + " of " + tasks
                    + " tasks succeeded within " + timeout + "; see the logs under the bench directory");
            }
            long supervised = SupervisorProgress.awaitCaughtUp(admin, kafka, supervisor, topics.taskStatus().name(),
                timeout);
            // the supervisor's changelog and repartition writes of the last statuses land within a commit or two
            TimeUnit.SECONDS.sleep(2);
            LogGrowth growth = LogGrowth.of(admin, prefix).minus(before);
            return new Result(tasks, submitted, seconds(times.last(StatusTimes.QUEUED), start),
                seconds(times.last(StatusTimes.STARTED), start), seconds(times.last(StatusTimes.SUCCEEDED), start),
                seconds(supervised, start), (double) growth.offsets() / tasks, (double) growth.bytes() / tasks,
                growth.perTask(tasks, prefix));
        }
    }

    private static double seconds(long at, long start) {
        return (at - start) / 1000.0;
    }
}
