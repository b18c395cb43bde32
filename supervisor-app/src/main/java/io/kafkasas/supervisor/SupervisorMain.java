package io.kafkasas.supervisor;

import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's entry point: {@code java -jar supervisor-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. So far it validates and logs its configuration; the supervisor topology
 * arrives with issue 4, and until then it exits with code 2.
 */
public final class SupervisorMain {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorMain.class);

    private SupervisorMain() {
    }

    public static void main(String[] args) {
        SasConfig config = SasConfig.load(SasConfig.define(new ConfigDef()), args.length > 0 ? Path.of(args[0]) : null,
            System.getenv());
        LOG.info("supervisor configuration:\n{}", config.describe());
        LOG.error("The supervisor topology is not built yet (issue 4); exiting with code 2.");
        System.exit(2);
    }
}
