package io.kafkasas.ctl;

import io.kafkasas.schemas.serde.UndecodableRecordException;
import io.kafkasas.schemas.topics.Topic;
import io.kafkasas.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a kafka-sas topic's records decoded (through the registry) as JSON, one per line. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Prints records of a kafka-sas topic, decoded, as JSON lines.",
    footer = {"", "Examples:", "  sasctl tail sas.task-requests --config .sas-local/local.properties --max 10",
        "  sasctl tail sas.dead-letters --timeout 30s"})
public final class TailCommand implements Callable<Integer> {

    @Mixin
    Settings settings;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. sas.task-status.")
    String topicName;

    @Option(names = "--max", description = "Stop after this many records (default ${DEFAULT-VALUE}).")
    int max = 100;

    @Option(names = "--timeout", paramLabel = "DURATION",
        defaultValue = "5s", description = "Stop after this long without a new record (default ${DEFAULT-VALUE}).")
    Duration idle;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CtlConfig config = settings.ctl();
        Topics topics = config.topics();
        Topic<?, ?> topic = topics.all().stream().filter(t -> t.name().equals(topicName)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("'" + topicName + "' is not a kafka-sas topic; known: "
                + config.topicNames().all()));
        PrintWriter out = spec.commandLine().getOut();
        int printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.open(config)) {
            consumer.seekToBeginning(TopicReader.assignAll(consumer, topicName));
            Instant lastRecord = Instant.now();
            while (printed < max && Instant.now().isBefore(lastRecord.plus(idle))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    lastRecord = Instant.now();
                    if (printed++ < max) {
                        out.println(decode(topic, record));
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String decode(Topic<?, ?> topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            Object value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            return String.valueOf(value);
        } catch (UndecodableRecordException e) {
            return "{\"undecodable\": \"" + e.at(record).getMessage().replace("\"", "'") + "\", \"offset\": "
                + record.offset() + "}";
        }
    }
}
