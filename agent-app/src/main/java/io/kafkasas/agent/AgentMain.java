package io.kafkasas.agent;

import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's entry point: {@code java -jar agent-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. So far it validates and logs its configuration; the agent runtime
 * arrives with issue 3, and until then it exits with code 2.
 */
public final class AgentMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private AgentMain() {
    }

    public static void main(String[] args) {
        SasConfig config = SasConfig.load(SasConfig.define(new ConfigDef()), args.length > 0 ? Path.of(args[0]) : null,
            System.getenv());
        LOG.info("agent configuration:\n{}", config.describe());
        LOG.error("The agent runtime is not built yet (issue 3); exiting with code 2.");
        System.exit(2);
    }
}
