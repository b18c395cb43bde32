package io.kafkasas.ops.bench;

import io.kafkasas.app.HttpApi;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.OwnStack;
import io.kafkasas.ops.local.StackOptions;
import io.kafkasas.schemas.config.SasConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How long each of the dashboard's views takes to answer as the supervisor's stores grow: the calls its pages make,
 * through the dashboard and, beside each, the same call made to the supervisor directly.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Times the calls behind the dashboard's pages (task lists first and deep, filtered, one task, the"
        + " summary, agents, dead letters, the page itself) with a growing number of tasks in the supervisor's"
        + " stores (simulated agents that start tasks which never end), through the dashboard and beside it the"
        + " supervisor's own answer. Prints p50/p99 per call and step.",
    footer = {"", "Examples:", "  bench dashboard                          # 1,000 then 100,000 tasks",
        "  bench dashboard --tasks 1000,10000 --requests 50"})
public final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--tasks", split = ",", description = "Tasks in the stores at each step (default"
        + " ${DEFAULT-VALUE}).")
    List<Integer> tasks = List.of(1_000, 100_000);

    @Option(names = "--agents", description = "Simulated agents (default ${DEFAULT-VALUE}).")
    int agents = 100;

    @Option(names = "--start-rate", description = "Tasks started per second (default ${DEFAULT-VALUE}).")
    int startRate = 2_000;

    @Option(names = "--requests", description = "Calls timed per view and step (default ${DEFAULT-VALUE}).")
    int requests = 30;

    @Mixin
    StackOptions stack;

    /** A page's call: what it is, its path on the dashboard, and the same on the supervisor (null if none). */
    private record View(String name, String dashboardPath, String supervisorPath) {
    }

    private static final List<View> VIEWS = List.of(
        new View("tasks, first page", "/api/supervisor/tasks?limit=25", "/tasks?limit=25"),
        new View("tasks, a page halfway", "/api/supervisor/tasks?limit=25&after=8", "/tasks?limit=25&after=8"),
        new View("tasks RUNNING (all match)", "/api/supervisor/tasks?state=RUNNING&limit=25",
            "/tasks?state=RUNNING&limit=25"),
        new View("tasks of type noop", "/api/supervisor/tasks?type=noop&limit=25", "/tasks?type=noop&limit=25"),
        new View("tasks SUCCEEDED (none match)", "/api/supervisor/tasks?state=SUCCEEDED&limit=25",
            "/tasks?state=SUCCEEDED&limit=25"),
        new View("one task", "/api/supervisor/tasks/%s", "/tasks/%s"),
        new View("summary (overview)", "/api/supervisor/summary", "/summary"),
        new View("agents", "/api/supervisor/agents", "/agents"),
        new View("dead letters", "/api/dead-letters?limit=25", null),
        new View("the page itself", "/", null));

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stack.out();
        try (OwnStack own = stack.start(0, 0)) { // the agents are simulated
            SasConfig config = own.config();
            LocalApps apps = own.apps();
            String dashboard = apps.startDashboard(stack.dir(), own.settingsFile());
            Map<Integer, Map<String, double[]>> steps = new LinkedHashMap<>();
            try (Admin admin = Admin.create(config.kafkaProperties());
                 SimulatedAgents sim = new SimulatedAgents(config.kafkaProperties(), config.topics(),
                     Duration.ofSeconds(1))) {
                sim.growTo(agents);
                int started = 0;
                for (int count : tasks) {
                    sim.startTasks(count - started, startRate);
                    started = count;
                    SupervisorProgress.awaitCaughtUp(admin, config.kafkaProperties(),
                        own.supervisor().applicationId(), config.topicNames().taskStatus(), Duration.ofMinutes(15));
                    out.printf("%,d tasks in the stores; timing %d calls per view ...%n", count, requests);
                    out.flush();
                    steps.put(count, time(apps, dashboard));
                }
            }
            print(out, steps);
            return 0;
        }
    }

    /** Per view: p50 and p99 through the dashboard, then p50 and p99 from the supervisor (NaN without one), in ms. */
    private Map<String, double[]> time(LocalApps apps, String dashboard) throws IOException, InterruptedException {
        String taskId = first(apps, apps.supervisorUrl() + "/tasks?limit=1");
        Map<String, double[]> figures = new LinkedHashMap<>();
        for (View view : VIEWS) {
            List<Long> through = new ArrayList<>();
            List<Long> direct = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                through.add(call(apps, dashboard + view.dashboardPath().formatted(taskId)));
                if (view.supervisorPath() != null) {
                    direct.add(call(apps, apps.supervisorUrl() + view.supervisorPath().formatted(taskId)));
                }
            }
            figures.put(view.name(), new double[] {Stats.percentile(through, 50) / 1e6,
                Stats.percentile(through, 99) / 1e6, Stats.percentile(direct, 50) / 1e6,
                Stats.percentile(direct, 99) / 1e6});
        }
        return figures;
    }

    /** Nanoseconds until {@code url} answered 200, its whole body read. */
    private static long call(LocalApps apps, String url) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        HttpResponse<byte[]> answer = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))).build(), HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - begin;
        if (answer.statusCode() != 200) {
            throw new IOException(url + " answered " + answer.statusCode());
        }
        return took;
    }

    private static String first(LocalApps apps, String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = apps.http().send(apps.authorized(HttpRequest.newBuilder(URI.create(url)))
            .build(), HttpResponse.BodyHandlers.ofString());
        return HttpApi.JSON.readTree(answer.body()).path("tasks").path(0).path("taskId").asText();
    }

    private static void print(PrintWriter out, Map<Integer, Map<String, double[]>> steps) {
        out.printf("%nThe dashboard's views (ms; through the dashboard, and the supervisor's own answer)%n");
        out.printf("  %-30s", "view");
        steps.keySet().forEach(count -> out.printf(" | %,9d tasks: p50    p99  (supervisor p50   p99)", count));
        out.println();
        for (View view : VIEWS) {
            out.printf("  %-30s", view.name());
            for (Map<String, double[]> step : steps.values()) {
                double[] f = step.get(view.name());
                out.printf(" | %22.1f %6.1f  %18s", f[0], f[1], Double.isNaN(f[2]) ? "-"
                    : String.format("%.1f %6.1f", f[2], f[3]));
            }
            out.println();
        }
        out.flush();
    }
}
