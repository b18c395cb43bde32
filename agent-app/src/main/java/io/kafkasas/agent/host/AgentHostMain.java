package io.kafkasas.agent.host;

import io.kafkasas.agent.AgentExit;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent host's entry point: {@code java -jar agent-app.jar host [config.properties]}. It runs
 * {@code host.agents} agents with the same file and {@code SAS_*} environment, restarts them, and stops them all
 * gracefully on SIGTERM (then exits with 143, 128 + SIGTERM, as a JVM stopped by a signal does).
 */
public final class AgentHostMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHostMain.class);

    private AgentHostMain() {
    }

    public static void main(String[] args) {
        AgentHost host;
        try {
            HostConfig config = HostConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
            LOG.info("agent host configuration:\n{}", config.shared().describe());
            host = AgentHost.start(config, Clock.systemUTC());
        } catch (IllegalArgumentException e) { // ConfigProblemsException included: every problem at once
            LOG.error("{}", e.getMessage());
            System.exit(AgentExit.INVALID_CONFIG.code());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(host::stop, "host-shutdown"));
        host.awaitStop();
    }
}
