package io.kafkasas.dashboard;

import io.kafkasas.app.AppMain;

/**
 * The dashboard's entry point: {@code java -jar dashboard-app.jar [config.properties]}, with {@code SAS_*}
 * environment variables over the file. Exit codes: 0 after a graceful stop, 2 for invalid configuration.
 */
public final class DashboardMain {

    private DashboardMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppMain.run("dashboard", args, DashboardConfig::load, DashboardConfig::shared, DashboardApp::start);
    }
}
