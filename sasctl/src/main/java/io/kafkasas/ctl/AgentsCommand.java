package io.kafkasas.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.ctl.api.AppApi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The agents the supervisor knows, with their liveness, load and who restarts them. */
@Command(name = "agents", mixinStandardHelpOptions = true,
    subcommands = {AgentActionCommand.Drain.class, AgentActionCommand.Restart.class},
    description = {"Lists the agents the supervisor knows: liveness (ALIVE, SUSPECT, DEAD), tasks in flight, free"
        + " slots, restarts, the host they run under and, for a DEAD one, who brings it back (BY_HOST, HOST_GONE:"
        + " nobody will, EXTERNAL: your container runtime)."},
    footer = {"", "Examples:", "  sasctl agents", "  sasctl agents --state DEAD -o json",
        "  sasctl agents drain h1-2 --wait", "  sasctl agents restart h1-2"})
public final class AgentsCommand extends CtlCommand {

    @Option(names = "--state", paramLabel = "STATE", description = "Only agents in this state (e.g. DEAD).")
    String state;

    @Override
    public Integer call() {
        List<JsonNode> agents = new ArrayList<>();
        AppApi.supervisor(settings.ctl()).getOk("/agents").path("agents").forEach(a -> {
            if (state == null || state.equalsIgnoreCase(a.path("state").asText())) {
                agents.add(a);
            }
        });
        PrintWriter out = out();
        if (output.json()) {
            Output.printJson(out, agents);
            return ExitCodes.OK;
        }
        Output.Table table = new Output.Table("AGENT", "HOST", "STATE", "ACTIVITY", "IN FLIGHT", "FREE/CAPACITY",
            "LAST HEARTBEAT", "RESTARTS", "RESTART");
        for (JsonNode a : agents) {
            table.row(TaskViews.text(a, "agentId"), TaskViews.text(a, "hostId"), TaskViews.text(a, "state"),
                TaskViews.text(a, "activity"),
                TaskViews.text(a, "inFlight"), TaskViews.text(a, "freeSlots") + "/" + TaskViews.text(a, "capacity"),
                TaskViews.text(a, "lastHeartbeatAt"), TaskViews.text(a, "restarts"), TaskViews.text(a, "restart"));
        }
        table.print(out);
        if (agents.isEmpty()) {
            out.println(state == null ? "No agents yet: none has sent a heartbeat the supervisor has read."
                : "No agent is " + state + ".");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
