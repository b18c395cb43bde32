package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.avro.AgentCommandType;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command to one agent on the agent-commands topic, meant for the incarnation the supervisor knows, so that a
 * process started since ignores it.
 */
abstract class AgentActionCommand extends CtlCommand {

    private static final Duration POLL = Duration.ofMillis(500);

    @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent (sasctl agents lists them).")
    String agentId;

    @Option(names = "--reason", description = "Why; in the agent's log (default: sasctl agents <command>).")
    String reason;

    @Option(names = "--wait", description = "Wait until the supervisor sees the agent do it.")
    boolean waitForIt;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1m",
        description = "With --wait: give up waiting after this long (default ${DEFAULT-VALUE}; exit code 7).")
    Duration timeout;

    private final AgentCommandType type;

    AgentActionCommand(AgentCommandType type) {
        this.type = type;
    }

    /** Whether the supervisor's view of the agent shows the command done, for an agent that was {@code before}. */
    abstract boolean done(JsonNode before, JsonNode now);

    @Override
    public Integer call() throws Exception {
        CtlConfig config = settings.ctl();
        AppApi supervisor = AppApi.supervisor(config);
        JsonNode before = agent(supervisor);
        if (before == null) {
            throw new CtlException(ExitCodes.NOT_FOUND, "The supervisor knows no agent " + agentId
                + "; sasctl agents lists those it knows");
        }
        long incarnation = before.path("incarnation").asLong();
        AgentCommands.send(config, agentId, type, incarnation, reason != null ? reason
            : "sasctl agents " + type.name().toLowerCase(), "sasctl " + System.getProperty("user.name"));
        PrintWriter out = out();
        out.printf("%s sent to %s (incarnation %d)%n", type, agentId, incarnation);
        out.flush();
        if (!waitForIt) {
            return ExitCodes.OK;
        }
        long giveUp = System.nanoTime() + timeout.toNanos();
        Predicate<JsonNode> isDone = now -> now != null && done(before, now);
        while (!isDone.test(agent(supervisor))) {
            if (System.nanoTime() > giveUp) {
                throw new CtlException(ExitCodes.TIMED_OUT, "The supervisor did not see " + agentId + " carry out "
                    + type + " within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        out.printf("%s: done%n", agentId);
        out.flush();
        return ExitCodes.OK;
    }

    private JsonNode agent(AppApi supervisor) {
        for (JsonNode agent : supervisor.getOk("/agents").path("agents")) {
            if (agentId.equals(agent.path("agentId").asText())) {
                return agent;
            }
        }
        return null;
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Tells an agent to take no new tasks: it finishes those it runs and stays up, DRAINING, until"
            + " it is restarted or stopped. Tasks still queued on its partitions wait for that; drain an agent"
            + " before you stop it, or to let its tasks end before a restart.",
        footer = {"", "Exit codes: 0 sent (with --wait: the agent is DRAINING), 4 no such agent, 5 unavailable,"
            + " 7 --wait timed out.", "", "Examples:", "  sasctl agents drain h1-2 --reason 'disk swap' --wait"})
    static final class Drain extends AgentActionCommand {

        Drain() {
            super(AgentCommandType.DRAIN);
        }

        @Override
        boolean done(JsonNode before, JsonNode now) {
            return "DRAINING".equals(now.path("activity").asText());
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Tells an agent to stop with exit code 3 (restart requested); its host (or your container"
            + " runtime) starts it again as a new incarnation. Its running tasks are released to the other agents.",
        footer = {"", "Exit codes: 0 sent (with --wait: a new incarnation runs), 4 no such agent, 5 unavailable,"
            + " 7 --wait timed out.", "", "Examples:", "  sasctl agents restart h1-2 --wait"})
    static final class Restart extends AgentActionCommand {

        Restart() {
            super(AgentCommandType.RESTART);
        }

        @Override
        boolean done(JsonNode before, JsonNode now) {
            return now.path("incarnation").asLong() != before.path("incarnation").asLong()
                && "ALIVE".equals(now.path("state").asText());
        }
    }
}
