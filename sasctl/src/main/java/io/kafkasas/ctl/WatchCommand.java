package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.DeadLetterReason;
import io.kafkasas.avro.TaskStatus;
import io.kafkasas.ctl.api.AppApi;
import io.kafkasas.schemas.serde.RecordViews;
import io.kafkasas.schemas.serde.UndecodableRecordException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A live view: of one task until it ends, or of the whole system (every status as it happens, agents summed up). */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"With a TASK_ID: follows the task through the supervisor, a line per change of state, attempt"
        + " or agent, until it ends; the exit code says how (0 SUCCEEDED, 1 otherwise, 7 still going at --timeout).",
        "Without: prints every task status as it is written to the status topic, and every --every a count of the"
        + " agents by liveness, until Ctrl-C (or --for)."},
    footer = {"", "Examples:", "  sasctl watch 3f1c0e4e-8a39-4c6b-9a51-0d1e7c2f9b10",
        "  sasctl watch", "  sasctl watch --for 1m -o json > statuses.jsonl"})
public final class WatchCommand extends CtlCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK_ID", description = "The task to follow.")
    String taskId;

    @Option(names = "--timeout", paramLabel = "DURATION",
        defaultValue = "1h", description = "With a TASK_ID: stop waiting after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--for", paramLabel = "DURATION", description = "Without a TASK_ID: stop after this long.")
    Duration duration;

    @Option(names = "--every", paramLabel = "DURATION",
        defaultValue = "10s", description = "Without a TASK_ID: how often to sum up the agents (default"
        + " ${DEFAULT-VALUE}).")
    Duration every;

    @Override
    public Integer call() throws Exception {
        CtlConfig config = settings.ctl();
        PrintWriter out = out();
        if (taskId != null) {
            return TaskWatch.follow(AppApi.supervisor(config), taskId, timeout, Duration.ofMillis(500), out,
                output.json());
        }
        watchSystem(config, out);
        return ExitCodes.OK;
    }

    private void watchSystem(CtlConfig config, PrintWriter out) {
        Deserializer<TaskStatus> statuses = config.topics().taskStatus().valueSerde().deserializer();
        AppApi supervisor = AppApi.supervisor(config);
        Instant end = duration == null ? Instant.MAX : Instant.now().plus(duration);
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(config)) {
            List<TopicPartition> partitions = TopicReader.assignAll(consumer, config.topicNames().taskStatus());
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // the seek is lazy: "from now" means now, not at the first poll
            Instant nextSummary = Instant.now();
            while (Instant.now().isBefore(end)) {
                if (!Instant.now().isBefore(nextSummary)) {
                    summarize(supervisor, out);
                    nextSummary = Instant.now().plus(every);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    print(out, statuses, record);
                }
            }
        }
    }

    private void print(PrintWriter out, Deserializer<TaskStatus> statuses, ConsumerRecord<byte[], byte[]> record) {
        TaskStatus status;
        try {
            status = statuses.deserialize(record.topic(), record.value());
            if (status == null) {
                throw new UndecodableRecordException(DeadLetterReason.UNDECODABLE, record.topic(), null,
                    "a tombstone (no value)", null);
            }
        } catch (UndecodableRecordException e) {
            spec.commandLine().getErr().println("undecodable status at " + record.topic() + "-" + record.partition()
                + "@" + record.offset() + ": " + e.getMessage());
            return;
        }
        if (output.json()) {
            Map<String, Object> line = new LinkedHashMap<>(Map.of("kind", "status"));
            line.putAll(RecordViews.of(status));
            Output.printJsonLine(out, line);
            return;
        }
        out.println(status.getTimestamp() + "  " + status.getTaskId() + "  " + status.getStatus() + "  attempt "
            + status.getAttempt() + (status.getAgentId() == null ? "" : " on " + status.getAgentId())
            + (status.getMessage() == null ? "" : "  " + status.getMessage()));
        out.flush();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A count of the agents by liveness; the supervisor being away is said, not fatal. */
    private void summarize(AppApi supervisor, PrintWriter out) {
        Map<String, Integer> counts = new TreeMap<>();
        try {
            for (JsonNode agent : supervisor.getOk("/agents").path("agents")) {
                counts.merge(agent.path("state").asText(), 1, Integer::sum);
            }
        } catch (CtlException e) {
            spec.commandLine().getErr().println("agents unknown: " + e.getMessage());
            return;
        }
        if (output.json()) {
            Output.printJsonLine(out, Map.of("kind", "agents", "at", now().toString(), "counts", counts));
        } else {
            out.println(now() + "  agents: " + (counts.isEmpty() ? "none" : counts.toString()
                .replaceAll("[{}]", "").replace("=", " ")));
            out.flush();
        }
    }
}
