package io.kafkasas.ops.registry;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs only the local schema registry, for setups that bring their own Kafka. */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Runs the local schema registry (Confluent REST API subset, Avro) until Ctrl-C.",
    footer = {"", "Example:", "  registry --port 8081 --journal .sas-local/registry.jsonl"})
public final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 for any free port).")
    int port = 8081;

    @Option(names = "--journal", description = "File the registry keeps its schemas in (default ${DEFAULT-VALUE}).")
    Path journal = Path.of(".sas-local", "registry.jsonl");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        LocalSchemaRegistryServer server = LocalSchemaRegistryServer.start(journal, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "registry-shutdown"));
        spec.commandLine().getOut().printf("Schema registry listening at %s%n", server.url());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
