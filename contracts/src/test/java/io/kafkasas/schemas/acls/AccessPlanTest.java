package io.kafkasas.schemas.acls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AccessPlanTest {

    private final List<AccessPlan.Grant> grants = new AccessPlan(Map.of("queues", "default,bulk")).grants();

    @Test
    void onlyTheSchedulerAndTheSupervisorShouldWriteTaskEvents() {
        assertThat(apps(ResourceType.TOPIC, "sas.tasks.bulk", AclOperation.WRITE))
            .containsExactlyInAnyOrder("scheduler", "supervisor");
        assertThat(apps(ResourceType.TOPIC, "sas.task-requests", AclOperation.READ))
            .containsExactlyInAnyOrder("scheduler", "reader");
        assertThat(apps(ResourceType.TOPIC, "sas.agent-deaths", AclOperation.WRITE)).containsExactly("supervisor");
        assertThat(apps(ResourceType.TOPIC, "sas.agent-commands", AclOperation.WRITE)).containsExactly("supervisor");
    }

    @Test
    void theReaderShouldWriteNothingAndTheSubmitterOnlyRequestsCancelsAndSchedules() {
        assertThat(grants).filteredOn(g -> g.app().equals("reader"))
            .allSatisfy(g -> assertThat(g.binding().entry().operation())
                .isIn(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS));
        assertThat(grants).filteredOn(g -> g.app().equals("submitter")
                && g.binding().entry().operation() == AclOperation.WRITE)
            .extracting(g -> g.binding().pattern().name())
            .containsExactlyInAnyOrder("sas.task-requests", "sas.task-status", "sas.schedules", "sas.pipelines");
        assertThat(apps(ResourceType.TOPIC, "sas.schedules", AclOperation.READ))
            .containsExactlyInAnyOrder("scheduler", "reader");
    }

    @Test
    void streamsAppsShouldOwnOnlyWhatIsUnderTheirApplicationId() {
        assertThat(grants).filteredOn(g -> g.binding().pattern().patternType() == PatternType.PREFIXED)
            .extracting(g -> g.app() + " " + g.binding().pattern().resourceType() + " " + g.binding().pattern()
                .name())
            .containsExactlyInAnyOrder("scheduler TOPIC sas.scheduler", "scheduler GROUP sas.scheduler",
                "scheduler TRANSACTIONAL_ID sas.scheduler", "supervisor TOPIC sas.supervisor",
                "supervisor GROUP sas.supervisor", "supervisor TRANSACTIONAL_ID sas.supervisor",
                "agent TRANSACTIONAL_ID sas.agent.");
    }

    @Test
    void configuredIdsAndPrincipalsShouldBeGranted() {
        List<AccessPlan.Grant> custom = new AccessPlan(Map.of("scheduler.application.id", "intake",
            "agent.group.id", "workers", AccessPlan.AGENT, "User:CN=agents")).grants();
        assertThat(custom).anySatisfy(g -> assertThat(g.binding().pattern().name()).isEqualTo("intake"));
        assertThat(custom).filteredOn(g -> g.binding().pattern().resourceType() == ResourceType.GROUP
                && g.app().equals("agent"))
            .singleElement().satisfies(g -> {
                assertThat(g.binding().pattern().name()).isEqualTo("workers");
                assertThat(g.binding().entry().principal()).isEqualTo("User:CN=agents");
            });
    }

    private Set<String> apps(ResourceType type, String name, AclOperation operation) {
        return grants.stream().filter(g -> g.binding().pattern().resourceType() == type
                && g.binding().pattern().name().equals(name) && g.binding().entry().operation() == operation)
            .map(AccessPlan.Grant::app).collect(Collectors.toSet());
    }
}
