package io.kafkasas.ops.topics;

import io.kafkasas.ops.Settings;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Creates or checks every kafka-sas topic. Exit code 0: all as planned; 3: some differ or are missing. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates (create) or checks (verify) every kafka-sas topic. An existing topic is never altered:"
        + " a difference is reported and the exit code is 3.",
    footer = {"", "Examples:", "  topics create --bootstrap-servers kafka:9092",
        "  SAS_TOPICS_REPLICATION_FACTOR=1 topics create -b 127.0.0.1:19092",
        "  topics verify --config app.properties"})
public final class TopicsCommand implements Callable<Integer> {

    /** Exit code when a topic differs from the plan or is missing. */
    public static final int EXIT_DIFFERENT = 3;

    @Parameters(index = "0", paramLabel = "ACTION", description = "create or verify")
    String action;

    @Mixin
    Settings settings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean verifyOnly = switch (action) {
            case "create" -> false;
            case "verify" -> true;
            default -> throw new IllegalArgumentException("ACTION must be create or verify, not '" + action + "'");
        };
        ProvisioningConfig config = new ProvisioningConfig(settings.load());
        List<TopicProvisioner.Result> results;
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            results = new TopicProvisioner(admin).provision(config.plan(), verifyOnly);
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean allAsPlanned = true;
        for (TopicProvisioner.Result result : results) {
            out.printf("%-32s %-9s %s%n", result.topic(), result.outcome(), String.join("; ", result.differences()));
            allAsPlanned &= result.outcome() == TopicProvisioner.Outcome.CREATED
                || result.outcome() == TopicProvisioner.Outcome.UNCHANGED;
        }
        out.flush();
        return allAsPlanned ? 0 : EXIT_DIFFERENT;
    }
}
