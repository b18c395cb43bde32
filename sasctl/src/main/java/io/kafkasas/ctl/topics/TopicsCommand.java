package io.kafkasas.ctl.topics;

import io.kafkasas.ctl.CtlCommand;
import io.kafkasas.ctl.ExitCodes;
import io.kafkasas.ctl.Output;
import io.kafkasas.schemas.topics.ProvisioningConfig;
import java.io.PrintWriter;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Creates or checks every kafka-sas topic. Exit code 0: all as planned; 3: some differ or are missing. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates (create) or checks (verify) every kafka-sas topic. An existing topic is never altered:"
        + " a difference is reported and the exit code is 3.",
    footer = {"", "Examples:", "  sasctl topics create --bootstrap-servers kafka:9092",
        "  SAS_TOPICS_REPLICATION_FACTOR=1 sasctl topics create -b 127.0.0.1:19092",
        "  sasctl topics verify --config app.properties"})
public final class TopicsCommand extends CtlCommand {

    /** What to do. */
    enum Action { create, verify }

    @Parameters(index = "0", paramLabel = "ACTION", description = "create or verify")
    Action action;

    @Override
    public Integer call() throws Exception {
        ProvisioningConfig config = new ProvisioningConfig(settings.load());
        List<TopicProvisioner.Result> results;
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            results = new TopicProvisioner(admin).provision(config.plan(), action == Action.verify);
        }
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, results);
        } else {
            Output.Table table = new Output.Table("TOPIC", "OUTCOME", "DIFFERENCES");
            results.forEach(r -> table.row(r.topic(), r.outcome(), String.join("; ", r.differences())));
            table.print(out);
        }
        boolean allAsPlanned = results.stream().allMatch(r -> r.outcome() == TopicProvisioner.Outcome.CREATED
            || r.outcome() == TopicProvisioner.Outcome.UNCHANGED);
        return allAsPlanned ? ExitCodes.OK : ExitCodes.TOPICS_DIFFER;
    }
}
