package io.kafkasas.agent.host;

import io.kafkasas.app.AppMain;
import java.time.Clock;

/**
 * The agent host's entry point: {@code java -jar agent-app.jar host [config.properties]}. It runs
 * {@code host.agents} agents with the same file and {@code SAS_*} environment, restarts them, and stops them all
 * gracefully on SIGTERM (then exits with 143, 128 + SIGTERM, as a JVM stopped by a signal does).
 */
public final class AgentHostMain {

    private AgentHostMain() {
    }

    public static void main(String[] args) {
        HostConfig config = AppMain.configOrExit("agent host", args, HostConfig::load, HostConfig::shared);
        AgentHost host = AgentHost.start(config, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(host::stop, "host-shutdown"));
        host.awaitStop();
    }
}
