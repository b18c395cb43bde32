package io.kafkasas.ctl;

import io.kafkasas.ctl.acls.AclsCommand;
import io.kafkasas.ctl.deadletters.DeadLettersCommand;
import io.kafkasas.ctl.limits.LimitsCommand;
import io.kafkasas.ctl.pipelines.PipelinesCommand;
import io.kafkasas.ctl.schedules.SchedulesCommand;
import io.kafkasas.ctl.topics.TopicsCommand;
import io.kafkasas.schemas.config.ConfigProblemsException;
import io.kafkasas.schemas.registry.RegistryUnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sasctl}: operate a running kafka-sas system. */
@Command(name = "sasctl", mixinStandardHelpOptions = true, version = "kafka-sas 0.1.0",
    description = {"Operates a running kafka-sas system: submits tasks and follows them, lists agents, lists and"
        + " replays dead letters, keeps schedules, submits and follows pipelines, creates and checks topics.",
        "Settings come from --config FILE, then SAS_* environment variables, then the flags: see"
            + " docs/configuration.md (sasctl reads the shared settings and ctl.*)."},
    subcommands = {SubmitCommand.class, StatusCommand.class, TasksCommand.class, WatchCommand.class,
        CancelCommand.class, AgentsCommand.class, SchedulesCommand.class, PipelinesCommand.class, LimitsCommand.class,
        DeadLettersCommand.class, TopicsCommand.class, AclsCommand.class, TailCommand.class,
        AutoComplete.GenerateCompletion.class},
    footer = {"", "Examples:", "  sasctl submit shell --payload '{\"command\":\"echo\",\"args\":[\"hi\"]}' --wait",
        "  sasctl status 3f1c0e4e-8a39-4c6b-9a51-0d1e7c2f9b10 -o json", "  sasctl tasks --state RUNNING",
        "  sasctl watch",
        "  sasctl agents --state DEAD", "  sasctl dead-letters list --since 1h",
        "  sasctl -c .sas-local/local.properties topics verify",
        "  source <(sasctl generate-completion)      # tab completion in bash or zsh"},
    exitCodeListHeading = "%nExit codes:%n")
public final class SasctlMain {

    /** Flags given before the subcommand's name; the subcommands' own win over these. */
    @Mixin
    Settings settings;

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
        description = "On an error, print its stack trace too.")
    boolean verbose;

    private SasctlMain() {
    }

    public static void main(String[] args) {
        // a command line logs warnings only, to stderr, whatever logback.xml the classpath holds
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "sasctl-logback.xml");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command tree, for tests to run in-process. */
    public static CommandLine commandLine() {
        SasctlMain main = new SasctlMain();
        CommandLine cli = new CommandLine(main);
        cli.getCommandSpec().usageMessage().exitCodeList(exitCodes());
        cli.registerConverter(Duration.class, new DurationConverter());
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter err = command.getErr();
            err.println("sasctl: " + message(e));
            if (main.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return exitCode(e);
        });
        return cli;
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        ExitCodes.MEANINGS.forEach((code, meaning) -> codes.put(String.format("%3d", code), meaning));
        return codes;
    }

    static int exitCode(Exception e) {
        if (e instanceof CtlException ctl) {
            return ctl.exitCode();
        }
        if (e instanceof ConfigProblemsException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof TimeoutException || e instanceof RegistryUnavailableException
            || e.getCause() instanceof TimeoutException) {
            return ExitCodes.UNAVAILABLE;
        }
        return e instanceof KafkaException ? ExitCodes.UNAVAILABLE : ExitCodes.SOFTWARE;
    }

    private static String message(Exception e) {
        if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
            return "Kafka did not answer in time (" + e.getMessage() + "). Check kafka.bootstrap.servers"
                + " (--bootstrap-servers) and that the brokers run; ctl.kafka.timeout.ms sets how long sasctl waits.";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
