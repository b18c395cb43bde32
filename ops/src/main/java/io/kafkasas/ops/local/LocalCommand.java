package io.kafkasas.ops.local;

import io.kafkasas.ops.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts the local stack, prints where everything listens, and stops it all on Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Runs kafka-sas on this machine: a real Kafka broker (child process), the schema registry,"
        + " the topics. Ctrl-C stops everything; the data stays for the next run.",
    footer = {"", "Example:", "  local --dir .sas-local"})
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "Data directory (default ${DEFAULT-VALUE}).")
    Path dir = Path.of(".sas-local");

    @Option(names = "--kafka-port", description = "Kafka port; the controller takes the next one. 0: "
        + LocalStack.PREFERRED_KAFKA_PORT + " if free, else any free port (default).")
    int kafkaPort;

    @Option(names = "--registry-port", description = "Schema registry port. 0: " + LocalStack.PREFERRED_REGISTRY_PORT
        + " if free, else any free port (default).")
    int registryPort;

    @Option(names = "--exit-after-start", description = "Start, print, then stop at once (a smoke check).")
    boolean exitAfterStart;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        LocalStack stack = LocalStack.start(dir, kafkaPort, registryPort);
        Thread shutdown = new Thread(() -> {
            out.println("Stopping the local stack ...");
            out.flush();
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        out.printf("%nkafka-sas local stack is up%n");
        out.printf("  Kafka broker      %s   (pid %d, log %s)%n", stack.bootstrapServers(), stack.brokerPid(),
            dir.resolve("kafka/kafka.log"));
        out.printf("  Schema registry   %s%n", stack.registryUrl());
        out.printf("  Settings file     %s   (pass it to the apps and the CLI with --config)%n", stack.settingsFile());
        out.printf("  Topics:%n");
        for (TopicProvisioner.Result topic : stack.topics()) {
            out.printf("    %-28s %s%n", topic.topic(), topic.outcome());
        }
        out.printf("%nPress Ctrl-C to stop.%n");
        out.flush();
        if (exitAfterStart) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            stack.close();
            return 0;
        }
        stopped.await();
        return 0;
    }
}
