package io.kafkasas.agent;

import io.kafkasas.agent.host.AgentHostMain;
import java.util.Arrays;

/**
 * The agent jar's entry point: {@code java -jar agent-app.jar [config.properties]} runs one agent
 * ({@link AgentMain}); {@code java -jar agent-app.jar host [config.properties]} runs an agent host
 * ({@link AgentHostMain}), which starts its agents with {@link AgentMain}.
 */
public final class AgentAppMain {

    private AgentAppMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("host")) {
            AgentHostMain.main(Arrays.copyOfRange(args, 1, args.length));
        } else {
            AgentMain.main(args);
        }
    }
}
