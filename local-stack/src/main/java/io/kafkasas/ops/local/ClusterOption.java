package io.kafkasas.ops.local;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --cluster FILE}: run a command's apps against a Kafka cluster of one's own instead of a local broker. */
public final class ClusterOption {

    @Option(names = "--cluster", paramLabel = "FILE", description = "Settings of an existing Kafka cluster and schema"
        + " registry (kafka.bootstrap.servers, schema.registry.url, kafka.* security settings, topic.prefix,"
        + " topics.replication.factor ...): the apps run here against it, and no local broker is started. The topics"
        + " are created if missing.")
    Path file;

    /** The file, or null for a local broker and registry. */
    public Path file() {
        return file;
    }
}
