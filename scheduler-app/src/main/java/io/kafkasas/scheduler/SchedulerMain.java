package io.kafkasas.scheduler;

import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's entry point: {@code java -jar scheduler-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. So far it validates and logs its configuration; the task intake
 * arrives with issue 3, and until then it exits with code 2.
 */
public final class SchedulerMain {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerMain.class);

    private SchedulerMain() {
    }

    public static void main(String[] args) {
        SasConfig config = SasConfig.load(SasConfig.define(new ConfigDef()), args.length > 0 ? Path.of(args[0]) : null,
            System.getenv());
        LOG.info("scheduler configuration:\n{}", config.describe());
        LOG.error("The task intake is not built yet (issue 3); exiting with code 2.");
        System.exit(2);
    }
}
