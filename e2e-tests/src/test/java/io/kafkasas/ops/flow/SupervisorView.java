package io.kafkasas.ops.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.app.ChildJvm;
import io.kafkasas.ops.chaos.SupervisorVerdict;
import io.kafkasas.testkit.TestAuth;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the supervisor's HTTP API says, for the end-to-end tests, and signals to processes. */
public final class SupervisorView {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorView.class);

    private SupervisorView() {
    }

    public static JsonNode get(String url) throws Exception {
        return SupervisorVerdict.get(url, TestAuth.AUTHORIZATION);
    }

    /** {@code GET /agents}: the agent of that id, or null. */
    public static JsonNode agent(String supervisor, String agentId) throws Exception {
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
    public static long assertSucceededOnce(String supervisor, List<String> ids) throws Exception {
        SupervisorVerdict verdict = SupervisorVerdict.of(supervisor, TestAuth.AUTHORIZATION, ids);
        assertThat(verdict.unknown()).as("tasks the supervisor does not know").isEmpty();
        assertThat(verdict.notSucceeded()).as("tasks not SUCCEEDED").isEmpty();
        assertThat(verdict.countedTwice()).as("tasks with other than one successful attempt counted").isEmpty();
        LOG.info("{} tasks SUCCEEDED once each in the supervisor's view; {} late results recorded as stale",
            verdict.succeededOnce(), verdict.staleResults());
        return verdict.staleResults();
    }

    /** {@code kill -<signal> <pid>}. */
    static void signal(String signal, long pid) throws Exception {
        assertThat(ChildJvm.signal(signal, pid)).as("kill -%s %d", signal, pid).isTrue();
    }
}
