package io.kafkasas.app;

import io.kafkasas.schemas.config.SasConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the apps' entry points share: {@code java -jar <app>.jar [config.properties]} with {@code SAS_*} environment
 * variables over the file, every configuration problem logged at once with exit code 2, and a graceful stop on
 * SIGTERM.
 */
public final class AppMain {

    /** Exit code for invalid configuration: restarting will not help. */
    public static final int INVALID_CONFIG = 2;

    private static final Logger LOG = LoggerFactory.getLogger(AppMain.class);

    /** How an app reads its configuration. */
    @FunctionalInterface
    public interface Loader<C> {
        C load(Path file, Map<String, String> env);
    }

    /** How an app starts once configured; what it returns is closed on SIGTERM. */
    @FunctionalInterface
    public interface Starter<C> {
        AutoCloseable start(C config);
    }

    private AppMain() {
    }

    /** The configuration of {@code app}, logged; on a problem it logs every one and exits with 2. */
    public static <C> C configOrExit(String app, String[] args, Loader<C> loader, Function<C, SasConfig> shared) {
        try {
            C config = loader.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
            LOG.info("{} configuration:\n{}", app, shared.apply(config).describe());
            return config;
        } catch (IllegalArgumentException e) { // ConfigProblemsException included: every problem at once
            LOG.error("{}", e.getMessage());
            System.exit(INVALID_CONFIG);
            throw e; // not reached
        }
    }

    /** Configures and starts {@code app}, and runs it until SIGTERM closes it (exit code 0 from {@code main}). */
    public static <C> void run(String app, String[] args, Loader<C> loader, Function<C, SasConfig> shared,
                               Starter<C> starter) throws InterruptedException {
        AutoCloseable started = starter.start(configOrExit(app, args, loader, shared));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly", app, e);
            } finally {
                stopped.countDown();
            }
        }, app + "-shutdown"));
        stopped.await();
    }
}
