package io.kafkasas.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import io.kafkasas.avro.Limit;
import io.kafkasas.client.TaskClient;
import io.kafkasas.ops.local.LocalApps;
import io.kafkasas.ops.local.OwnStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard and the Prometheus alert rules against the running apps: every metric they query is one
 * that the scheduler, the supervisor or the agent host exports on /metrics (a misspelt or renamed metric would
 * leave a panel empty and an alert silent, without a word).
 */
class MonitoringIT {

    private static final Path MONITORING = DeploymentFiles.ROOT.resolve("ops/monitoring");
    private static final Pattern METRIC = Pattern.compile("\\b((?:sas|kafka|jvm|process)_[a-z0-9_]+)");

    @TempDir
    static Path dir;

    private static OwnStack stack;

    @BeforeAll
    static void start() throws IOException {
        stack = OwnStack.start(new PrintWriter(new StringWriter()), "monitoring", dir, null, 2, 2);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyMetricQueriedShouldBeExportedByTheApps() throws Exception {
        Set<String> queried = queried();
        assertThat(queried).as("the dashboard and the alerts query these").contains(
            "sas_supervisor_tasks_ended_total", "sas_supervisor_task_started_after_seconds_bucket",
            "sas_supervisor_agents", "sas_supervisor_detection_delay_seconds_bucket",
            "kafka_consumer_fetch_manager_records_lag_max", "kafka_stream_client_state", "sas_agent_tasks_running",
            "sas_scheduler_limit_waiting", "sas_scheduler_limit_running");
        Set<String> exported = new TreeSet<>();
        try (TaskClient client = TaskClient.create(stack.config())) {
            client.submit(TaskClient.request("noop").build()).get();
            client.putLimit(Limit.newBuilder().setKey("monitoring-probe").setMaxRunning(1).setUpdatedAt(Instant.now())
                .build()).get(); // a limit's gauges exist once one is set
            LocalApps apps = stack.apps();
            // the Kafka clients' metrics appear once they have partitions assigned
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                exported.clear();
                for (String url : List.of(apps.schedulerUrl(), apps.supervisorUrl(), apps.hostUrl())) {
                    exported.addAll(names(get(url + "/metrics")));
                }
                assertThat(exported).containsAll(queried);
            });
        }
    }

    @Test
    void theAgentHostShouldSpeakForItsAgentsInOneValidExposition() throws Exception {
        String host = stack.apps().hostUrl() + "/metrics";
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get(host))
            .contains("sas_agent_tasks_running{agent=\"local-1\",app=\"agent\"",
                "sas_agent_tasks_running{agent=\"local-2\",app=\"agent\"",
                "kafka_consumer_fetch_manager_records_lag_max{agent=\"local-1\"",
                "sas_host_agents{app=\"agent-host\""));
        List<String> types = get(host).lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertThat(types).as("Prometheus refuses a family declared twice").doesNotHaveDuplicates();
    }

    /** The metric names in the dashboard's and the alert rules' queries. */
    private static Set<String> queried() throws Exception {
        List<String> queries = new ArrayList<>();
        JsonNode dashboard = HttpApi.JSON.readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> queries.add(t.get("expr").asText())));
        for (Object group : DeploymentFiles.list(DeploymentFiles.yaml(MONITORING.resolve("prometheus-alerts.yml"))
            .get("groups"))) {
            DeploymentFiles.list(DeploymentFiles.map(group).get("rules"))
                .forEach(r -> queries.add(String.valueOf(DeploymentFiles.map(r).get("expr"))));
        }
        assertThat(queries).hasSizeGreaterThan(10);
        Set<String> names = new TreeSet<>();
        for (String query : queries) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
            .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(stack.apps().authorized(HttpRequest.newBuilder(URI.create(url))).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }
}
