package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.HttpApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the supervisor's HTTP API says, for the end-to-end tests, and signals to processes. */
final class SupervisorView {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorView.class);

    private SupervisorView() {
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return HttpApi.JSON.readTree(response.body());
    }

    /** {@code GET /agents}: the agent of that id, or null. */
    static JsonNode agent(String supervisor, String agentId) throws Exception {
        for (JsonNode agent : get(supervisor + "/agents").get("agents")) {
            if (agent.get("agentId").asText().equals(agentId)) {
                return agent;
            }
        }
        return null;
    }

    static long deadAgents(String supervisor) throws Exception {
        return get(supervisor + "/agents").get("agents").findValuesAsText("state").stream()
            .filter("DEAD"::equals).count();
    }

    /**
     * Every task of {@code ids} SUCCEEDED in the supervisor's state, each outcome counted once, late results only as
     * stale; returns how many late results were recorded as stale.
     */
    static long assertSucceededOnce(String supervisor, List<String> ids) throws Exception {
        Set<String> succeeded = new HashSet<>();
        long stale = 0;
        String after = "";
        do {
            JsonNode page = get(supervisor + "/tasks?limit=500&after=" + after);
            for (JsonNode task : page.get("tasks")) {
                assertThat(task.get("state").asText()).as(task.toString()).isEqualTo("SUCCEEDED");
                long outcomes = 0;
                for (JsonNode attempt : task.get("attempts")) {
                    outcomes += "SUCCEEDED".equals(attempt.get("outcome").asText()) ? 1 : 0;
                }
                assertThat(outcomes).as("successful attempts counted for %s", task).isEqualTo(1);
                stale += task.get("staleResults").asLong();
                succeeded.add(task.get("taskId").asText());
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        assertThat(succeeded).containsExactlyInAnyOrderElementsOf(ids);
        LOG.info("{} tasks SUCCEEDED once each in the supervisor's view; {} late results recorded as stale",
            succeeded.size(), stale);
        return stale;
    }

    /** {@code kill -<signal> <pid>}. */
    static void signal(String signal, long pid) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        assertThat(exit).as("kill -%s %d", signal, pid).isZero();
    }
}
