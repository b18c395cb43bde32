package io.kafkasas.ops;

import io.kafkasas.ctl.DurationConverter;
import io.kafkasas.ctl.TailCommand;
import io.kafkasas.ctl.topics.TopicsCommand;
import io.kafkasas.ops.bench.BenchCommand;
import io.kafkasas.ops.chaos.ChaosCommand;
import io.kafkasas.ops.config.ConfigReferenceCommand;
import io.kafkasas.ops.fuzz.FuzzCommand;
import io.kafkasas.ops.local.LocalCommand;
import io.kafkasas.ops.registry.RegistryCommand;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kafka-sas-ops}: run kafka-sas locally and operate it. */
@Command(name = "kafka-sas-ops", mixinStandardHelpOptions = true, version = "kafka-sas 0.1.0",
    description = "Runs kafka-sas locally and operates it.",
    subcommands = {LocalCommand.class, TopicsCommand.class, RegistryCommand.class, TailCommand.class,
        BenchCommand.class, ChaosCommand.class, FuzzCommand.class, ConfigReferenceCommand.class})
public final class OpsMain {

    private OpsMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree, for tests to run in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new OpsMain()).registerConverter(Duration.class, new DurationConverter())
            .setCaseInsensitiveEnumValuesAllowed(true); // --workload pipelines, --faults kill,stop
    }
}
