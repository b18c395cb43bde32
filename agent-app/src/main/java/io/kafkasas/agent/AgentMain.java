package io.kafkasas.agent;

import io.kafkasas.app.AppMain;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's process: {@code java -jar agent-app.jar [config.properties]} ({@link AgentAppMain}), with
 * {@code SAS_*} environment variables over the file. SIGTERM stops it gracefully; the exit code is one of
 * {@link AgentExit}, and RESTART ends it with {@link AgentExit#RESTART_REQUESTED} (3) for a container's restart
 * policy to act on.
 */
public final class AgentMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private AgentMain() {
    }

    /** An agent whose host is gone has no one to restart it or stop it: it stops gracefully itself. */
    private static void stopWhenGone(long hostPid, Agent agent) {
        ProcessHandle.of(hostPid).map(ProcessHandle::onExit)
            .orElse(CompletableFuture.completedFuture(null))
            .thenRun(() -> {
                LOG.warn("Host process {} is gone: stopping", hostPid);
                agent.stop(AgentExit.STOPPED);
            });
    }

    public static void main(String[] args) {
        AgentConfig config = AppMain.configOrExit("agent", args, AgentConfig::load, AgentConfig::shared);
        Agent agent;
        try {
            agent = Agent.start(config, Clock.systemUTC());
        } catch (IllegalArgumentException e) { // a handler's settings, or its plugin folder
            LOG.error("{}", e.getMessage());
            System.exit(AgentExit.INVALID_CONFIG.code());
            return;
        }
        Thread hook = new Thread(() -> {
            agent.stop(AgentExit.STOPPED);
            agent.awaitExit();
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        config.parentPid().ifPresent(pid -> stopWhenGone(pid, agent));
        AgentExit exit = agent.awaitExit();
        if (exit != AgentExit.STOPPED) {
            Runtime.getRuntime().removeShutdownHook(hook);
            System.exit(exit.code());
        }
    }
}
