package io.kafkasas.agent;

import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's entry point: {@code java -jar agent-app.jar [config.properties]}, with {@code SAS_*} environment
 * variables over the file. SIGTERM stops it gracefully; the exit code is one of {@link AgentExit}.
 */
public final class AgentMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private AgentMain() {
    }

    public static void main(String[] args) {
        Agent agent;
        try {
            AgentConfig config = AgentConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
            LOG.info("agent configuration:\n{}", config.shared().describe());
            agent = Agent.start(config, Clock.systemUTC());
        } catch (IllegalArgumentException e) { // ConfigProblemsException included: every problem at once
            LOG.error("{}", e.getMessage());
            System.exit(AgentExit.INVALID_CONFIG.code());
            return;
        }
        Thread hook = new Thread(() -> {
            agent.stop(AgentExit.STOPPED);
            agent.awaitExit();
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        AgentExit exit = agent.awaitExit();
        if (exit != AgentExit.STOPPED) {
            Runtime.getRuntime().removeShutdownHook(hook);
            System.exit(exit.code());
        }
    }
}
