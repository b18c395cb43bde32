package io.kafkasas.supervisor;

import io.kafkasas.schemas.config.ConfigProblemsException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's entry point: {@code java -jar supervisor-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. Exit codes: 0 after a graceful stop, 2 for invalid configuration.
 */
public final class SupervisorMain {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorMain.class);

    private SupervisorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SupervisorConfig config;
        try {
            config = SupervisorConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        } catch (ConfigProblemsException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("supervisor configuration:\n{}", config.shared().describe());
        SupervisorApp app = SupervisorApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "supervisor-shutdown"));
        stopped.await();
    }
}
