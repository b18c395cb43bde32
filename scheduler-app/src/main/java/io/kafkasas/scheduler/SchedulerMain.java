package io.kafkasas.scheduler;

import io.kafkasas.app.AppMain;
import java.time.Clock;

/**
 * The scheduler's entry point: {@code java -jar scheduler-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. Exit codes: 0 after a graceful stop (SIGTERM), 2 for invalid configuration.
 */
public final class SchedulerMain {

    private SchedulerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppMain.run("scheduler", args, SchedulerConfig::load, SchedulerConfig::shared,
            config -> SchedulerApp.start(config, Clock.systemUTC()));
    }
}
