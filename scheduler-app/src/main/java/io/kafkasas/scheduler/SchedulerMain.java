package io.kafkasas.scheduler;

import io.kafkasas.schemas.config.ConfigProblemsException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's entry point: {@code java -jar scheduler-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. Exit codes: 0 after a graceful stop (SIGTERM), 2 for invalid configuration.
 */
public final class SchedulerMain {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerMain.class);

    private SchedulerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SchedulerConfig config;
        try {
            config = SchedulerConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        } catch (ConfigProblemsException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("scheduler configuration:\n{}", config.shared().describe());
        SchedulerApp app = SchedulerApp.start(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "scheduler-shutdown"));
        stopped.await();
    }
}
