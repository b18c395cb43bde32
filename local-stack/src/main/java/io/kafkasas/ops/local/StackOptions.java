package io.kafkasas.ops.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of every command that runs on a stack of its own ({@code @Mixin}): {@code --dir} (by default
 * {@code .sas-<command>}) and {@code --cluster FILE}; and that stack's start.
 */
public final class StackOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--dir", paramLabel = "DIR", description = "Data directory of the stack (default"
        + " .sas-${COMMAND-NAME}).")
    Path dir;

    @Option(names = "--cluster", paramLabel = "FILE", description = "Settings of an existing Kafka cluster and schema"
        + " registry (kafka.bootstrap.servers, schema.registry.url, kafka.* security settings, topic.prefix,"
        + " topics.replication.factor ...): the apps run here against it, and no local broker is started. The topics"
        + " are created if missing.")
    Path cluster;

    /** The data directory. */
    public Path dir() {
        return dir != null ? dir : Path.of(".sas-" + command.name());
    }

    /** The cluster's settings file, or null for a local broker and registry. */
    public Path cluster() {
        return cluster;
    }

    /** The command line of the command, for its usage errors. */
    public CommandLine commandLine() {
        return command.commandLine();
    }

    /** Where the command prints. */
    public PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** Starts the command's stack with {@code agents} agents of {@code slots} slots and {@code supervisors}. */
    public OwnStack start(int agents, int slots, int supervisors) throws IOException {
        return OwnStack.start(out(), command.name(), dir(), cluster, agents, slots, supervisors);
    }

    /** As above, with one supervisor. */
    public OwnStack start(int agents, int slots) throws IOException {
        return start(agents, slots, 1);
    }
}
