package io.kafkasas.supervisor;

import io.kafkasas.app.AppMain;

/**
 * The supervisor's entry point: {@code java -jar supervisor-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. Exit codes: 0 after a graceful stop, 2 for invalid configuration.
 */
public final class SupervisorMain {

    private SupervisorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppMain.run("supervisor", args, SupervisorConfig::load, SupervisorConfig::shared, SupervisorApp::start);
    }
}
