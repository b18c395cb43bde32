package io.kafkasas.ops.deploy;

import static io.kafkasas.ops.deploy.DeploymentFiles.environment;
import static io.kafkasas.ops.deploy.DeploymentFiles.list;
import static io.kafkasas.ops.deploy.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kafkasas.ops.config.AppSettings;
import io.kafkasas.ops.config.EnvCheck;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against what the apps read. No Docker engine runs here, so this is what proves the file: every
 * kafka-sas service's variables, ports, volumes and image against its app's typed settings, and every address one
 * service gives another against what that service listens on.
 */
class ComposeFileTest {

    private static Map<String, Object> services;
    private static Map<String, Object> compose;

    @BeforeAll
    static void read() throws Exception {
        compose = DeploymentFiles.yaml(DeploymentFiles.ROOT.resolve("docker-compose.yml"));
        services = map(compose.get("services"));
    }

    @Test
    void shouldRunEveryAppWithTwoSupervisorsAndThreeBrokers() {
        Map<AppSettings, Integer> count = new EnumMap<>(AppSettings.class);
        services.values().forEach(s -> DeploymentFiles.app((String) map(s).get("image"))
            .ifPresent(app -> count.merge(app, 1, Integer::sum)));
        assertThat(count).containsEntry(AppSettings.SCHEDULER, 1).containsEntry(AppSettings.SUPERVISOR, 2)
            .containsEntry(AppSettings.AGENT_HOST, 1).containsEntry(AppSettings.DASHBOARD, 1)
            .containsEntry(AppSettings.SASCTL, 2);
        assertThat(services.keySet()).contains("kafka-1", "kafka-2", "kafka-3", "schema-registry", "kafka-ui");
    }

    @Test
    void everyVariableShouldBeOneTheAppReads() {
        List<String> problems = new ArrayList<>();
        forEachApp((name, app, service) -> EnvCheck.problems(app, environment(service.get("environment")))
            .forEach(p -> problems.add(name + ": " + p)));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKafkaSasImageShouldBeBuiltForItsApp() {
        forEachApp((name, app, service) -> {
            Map<String, Object> build = map(service.get("build"));
            if (!build.isEmpty()) { // the second supervisor reuses the first one's image
                assertThat(build.get("context")).as(name).isEqualTo(".");
                assertThat(map(build.get("args")).get("APP")).as(name + " build APP").isEqualTo(app.image());
            } else {
                assertThat(services.values()).as(name + ": some service builds " + service.get("image"))
                    .anyMatch(s -> service.get("image").equals(map(s).get("image")) && map(s).containsKey("build"));
            }
        });
        services.forEach((name, s) -> {
            String image = (String) map(s).get("image");
            assertThat(image).as(name + " image").isNotNull().contains(":").doesNotEndWith(":latest");
        });
    }

    @Test
    void portsShouldBeTheOnesTheAppsListenOn() {
        forEachApp((name, app, service) -> {
            if (app.httpPortKey().isEmpty()) {
                assertThat(service).as(name).doesNotContainKeys("ports", "expose", "healthcheck");
                return;
            }
            int port = DeploymentFiles.httpPort(app, environment(service.get("environment")));
            for (Object mapping : list(service.get("ports"))) {
                String[] parts = String.valueOf(mapping).split(":");
                assertThat(Integer.parseInt(parts[parts.length - 1])).as(name + " port " + mapping).isEqualTo(port);
            }
            list(service.get("expose")).forEach(p -> assertThat(String.valueOf(p)).as(name).isEqualTo("" + port));
        });
    }

    @Test
    void streamsAppsShouldKeepTheirStateOnADeclaredVolume() {
        Set<String> used = new HashSet<>();
        services.forEach((name, s) -> list(map(s).get("volumes")).forEach(v -> used.add(String.valueOf(v)
            .split(":")[0])));
        assertThat(used).containsExactlyInAnyOrderElementsOf(map(compose.get("volumes")).keySet());
        forEachApp((name, app, service) -> {
            if (app.streams()) {
                assertThat(list(service.get("volumes"))).as(name).singleElement().asString()
                    .endsWith(":" + DeploymentFiles.STATE_MOUNT);
            }
        });
    }

    @Test
    void addressesShouldLeadToServicesListeningThere() {
        Map<String, Set<Integer>> listening = new HashMap<>();
        services.forEach((name, s) -> listening.put(name, listensOn(name, map(s))));
        List<String> addresses = new ArrayList<>();
        forEachApp((name, app, service) -> {
            Map<String, String> env = environment(service.get("environment"));
            addresses.addAll(List.of(env.get("SAS_KAFKA_BOOTSTRAP_SERVERS").split(",")));
            // the registry's, and sasctl's of the scheduler and the supervisor
            env.forEach((variable, value) -> {
                if (variable.endsWith("_URL")) {
                    URI url = URI.create(value);
                    addresses.add(url.getHost() + ":" + url.getPort());
                }
            });
        });
        Map<String, String> ui = environment(map(services.get("kafka-ui")).get("environment"));
        addresses.addAll(List.of(ui.get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS").split(",")));
        URI uiRegistry = URI.create(ui.get("KAFKA_CLUSTERS_0_SCHEMAREGISTRY"));
        addresses.add(uiRegistry.getHost() + ":" + uiRegistry.getPort());
        for (String address : addresses) {
            String[] hostPort = address.trim().split(":");
            assertThat(listening.get(hostPort[0])).as(address).isNotNull().contains(Integer.parseInt(hostPort[1]));
        }
    }

    @Test
    void brokersShouldFormOneQuorum() {
        Set<String> voters = new HashSet<>();
        Set<String> quorums = new HashSet<>();
        Set<String> clusterIds = new HashSet<>();
        services.forEach((name, s) -> {
            Map<String, String> env = environment(map(s).get("environment"));
            if (env.containsKey("KAFKA_NODE_ID")) {
                voters.add(env.get("KAFKA_NODE_ID") + "@" + name + ":9093");
                quorums.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
                clusterIds.add(env.get("CLUSTER_ID"));
            }
        });
        assertThat(voters).hasSize(3);
        assertThat(quorums).singleElement().satisfies(q -> assertThat(Set.of(q.split(","))).isEqualTo(voters));
        assertThat(clusterIds).singleElement().asString().matches("[A-Za-z0-9_-]{22}");
    }

    @Test
    void dependenciesShouldExist() {
        services.forEach((name, s) -> {
            Object dependsOn = map(s).get("depends_on");
            Iterable<?> targets = dependsOn instanceof Map<?, ?> m ? m.keySet() : list(dependsOn);
            targets.forEach(t -> assertThat(services).as(name + " depends on " + t).containsKey(String.valueOf(t)));
        });
    }

    /** Where Debian's docker-compose is installed, its own check of the file; skipped elsewhere. */
    @Test
    void dockerComposeShouldAcceptTheFile() throws Exception {
        // the file refuses to run without the operator's token (it has no default on purpose)
        Optional<Map.Entry<Integer, String>> result = DeploymentFiles.runIfInstalled(Map.of("SAS_OPERATOR_TOKEN",
            "a-token-for-the-check-only"), "docker-compose", "-f", "docker-compose.yml", "config", "-q");
        assumeTrue(result.isPresent(), "docker-compose is not installed here");
        assertThat(result.get().getKey()).as(result.get().getValue()).isZero();
    }

    private static Set<Integer> listensOn(String name, Map<String, Object> service) {
        Set<Integer> ports = new HashSet<>();
        Map<String, String> env = environment(service.get("environment"));
        for (String variable : List.of("KAFKA_LISTENERS", "SCHEMA_REGISTRY_LISTENERS")) {
            if (env.containsKey(variable)) {
                for (String listener : env.get(variable).split(",")) {
                    ports.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
                }
            }
        }
        DeploymentFiles.app((String) service.get("image")).filter(a -> a.httpPortKey().isPresent())
            .ifPresent(app -> ports.add(DeploymentFiles.httpPort(app, env)));
        return ports;
    }

    private interface AppService {
        void check(String name, AppSettings app, Map<String, Object> service);
    }

    private static void forEachApp(AppService check) {
        services.forEach((name, s) -> DeploymentFiles.app((String) map(s).get("image"))
            .ifPresent(app -> check.check(name, app, map(s))));
    }
}
