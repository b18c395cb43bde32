package io.kafkasas.ops.deploy;

import static io.kafkasas.ops.deploy.DeploymentFiles.list;
import static io.kafkasas.ops.deploy.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kafkasas.ops.config.AppSettings;
import io.kafkasas.ops.config.EnvCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ops/k8s against what the apps read: variables (direct and from the ConfigMap and Secret), ports and probes. */
class KubernetesManifestsTest {

    private static final Path DIR = DeploymentFiles.ROOT.resolve("ops/k8s");
    private static final List<Map<String, Object>> OBJECTS = new ArrayList<>();
    /** ConfigMap and Secret name → their variables, the example Secret included. */
    private static final Map<String, Map<String, String>> ENV_SOURCES = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Map<String, Object> object : DeploymentFiles.yamlDocuments(file)) {
                    String kind = String.valueOf(object.get("kind"));
                    if (kind.equals("ConfigMap") || kind.equals("Secret")) {
                        Map<String, String> data = new LinkedHashMap<>();
                        map(object.getOrDefault("data", object.get("stringData")))
                            .forEach((k, v) -> data.put(k, String.valueOf(v)));
                        ENV_SOURCES.put(String.valueOf(map(object.get("metadata")).get("name")), data);
                    }
                    OBJECTS.add(object);
                }
            }
        }
    }

    @Test
    void kustomizationShouldListEveryManifestButTheExampleSecrets() throws IOException {
        Map<String, Object> kustomization = DeploymentFiles.yaml(DIR.resolve("kustomization.yaml"));
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(list(kustomization.get("resources"))).containsExactlyInAnyOrderElementsOf(files
                .filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                .filter(f -> !f.equals("kustomization.yaml") && !f.endsWith(".example.yaml")).toList());
        }
    }

    @Test
    void shouldDeployEveryAppAndProvisionTheTopics() {
        List<String> images = containers().stream().map(c -> String.valueOf(c.container().get("image"))).toList();
        assertThat(images).containsExactlyInAnyOrder("kafka-sas/scheduler:0.1.0", "kafka-sas/supervisor:0.1.0",
            "kafka-sas/agent-host:0.1.0", "kafka-sas/dashboard:0.1.0", "kafka-sas/sasctl:0.1.0");
        assertThat(OBJECTS).filteredOn(o -> "PodDisruptionBudget".equals(o.get("kind"))).hasSize(3);
    }

    @Test
    void everyVariableShouldBeOneTheAppReads() {
        List<String> problems = new ArrayList<>();
        for (Container c : containers()) {
            Map<String, String> env = new LinkedHashMap<>();
            for (Object from : list(c.container().get("envFrom"))) {
                Map<String, Object> ref = map(map(from).getOrDefault("configMapRef", map(from).get("secretRef")));
                String source = String.valueOf(ref.get("name"));
                assertThat(ENV_SOURCES).as(c.name() + " envFrom " + source).containsKey(source);
                env.putAll(ENV_SOURCES.get(source));
            }
            for (Object variable : list(c.container().get("env"))) {
                Map<String, Object> v = map(variable);
                env.put(String.valueOf(v.get("name")), v.containsKey("value") ? String.valueOf(v.get("value")) : null);
            }
            EnvCheck.problems(c.app(), env).forEach(p -> problems.add(c.name() + ": " + p));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void probesAndPortsShouldBeTheAppsHealthEndpoint() {
        for (Container c : containers()) {
            if (c.app().httpPortKey().isEmpty()) {
                assertThat(c.container()).as(c.name()).doesNotContainKeys("ports", "readinessProbe", "livenessProbe");
                continue;
            }
            Map<String, String> direct = new HashMap<>();
            list(c.container().get("env")).forEach(v -> direct.put(String.valueOf(map(v).get("name")),
                String.valueOf(map(v).get("value"))));
            int port = DeploymentFiles.httpPort(c.app(), direct);
            Map<String, Object> http = map(list(c.container().get("ports")).get(0));
            assertThat(http).as(c.name()).containsEntry("name", "http").containsEntry("containerPort", port);
            assertThat(map(map(c.container().get("readinessProbe")).get("httpGet")))
                .containsEntry("path", "/health").containsEntry("port", "http");
            assertThat(map(map(c.container().get("livenessProbe")).get("httpGet")))
                .containsEntry("path", "/health?probe=live").containsEntry("port", "http");
            assertThat(map(c.pod().get("metadata")).get("annotations")).as(c.name())
                .isEqualTo(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "" + port,
                    "prometheus.io/path", "/metrics"));
        }
    }

    @Test
    void selectorsShouldMatchTheirPods() {
        List<Object> podLabels = containers().stream().map(c -> map(c.pod().get("metadata")).get("labels")).toList();
        for (Map<String, Object> object : OBJECTS) {
            Map<String, Object> spec = map(object.get("spec"));
            Object selector = "Service".equals(object.get("kind")) ? spec.get("selector")
                : map(spec.get("selector")).get("matchLabels");
            if (selector != null) {
                assertThat(podLabels).as(object.get("kind") + " " + map(object.get("metadata")).get("name"))
                    .contains(selector);
            }
        }
    }

    /**
     * The secure overlay patches the base's Deployments as kustomize merges them (env by name, envFrom replaced):
     * every variable is one the app reads, each app has a Kafka Secret of its own, and the probes speak HTTPS.
     */
    @Test
    void theSecureOverlayShouldPatchEveryAppIntoHttpsAndAPrincipalOfItsOwn() throws IOException {
        Path overlay = DeploymentFiles.ROOT.resolve("ops/k8s-secure");
        Map<String, Map<String, String>> secrets = new HashMap<>(ENV_SOURCES);
        for (Map<String, Object> secret : DeploymentFiles.yamlDocuments(overlay.resolve("secrets.example.yaml"))) {
            Map<String, String> data = new LinkedHashMap<>();
            map(secret.get("stringData")).forEach((k, v) -> data.put(k, String.valueOf(v)));
            secrets.put(String.valueOf(map(secret.get("metadata")).get("name")), data);
        }
        List<Object> patches = list(DeploymentFiles.yaml(overlay.resolve("kustomization.yaml")).get("patches"));
        assertThat(patches).hasSize(3);
        List<String> kafkaSecrets = new ArrayList<>();
        for (Object patch : patches) {
            Map<String, Object> deployment = DeploymentFiles.yaml(overlay.resolve(String.valueOf(map(patch)
                .get("path"))));
            String name = String.valueOf(map(deployment.get("metadata")).get("name"));
            Map<String, Object> patched = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
            Container base = containers().stream().filter(c -> c.name().equals(name + "/" + patched.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no such container in the base"));
            Map<String, String> env = new LinkedHashMap<>();
            for (Object from : list(patched.get("envFrom"))) {
                Map<String, Object> ref = map(map(from).getOrDefault("configMapRef", map(from).get("secretRef")));
                assertThat(secrets).as(name + " envFrom").containsKey(String.valueOf(ref.get("name")));
                env.putAll(secrets.get(String.valueOf(ref.get("name"))));
                if (map(from).containsKey("secretRef")) {
                    kafkaSecrets.add(String.valueOf(ref.get("name")));
                }
            }
            for (Object variable : list(base.container().get("env")) ) {
                env.put(String.valueOf(map(variable).get("name")), String.valueOf(map(variable).get("value")));
            }
            for (Object variable : list(patched.get("env"))) {
                env.put(String.valueOf(map(variable).get("name")), String.valueOf(map(variable).get("value")));
            }
            assertThat(EnvCheck.problems(base.app(), env)).as(name).isEmpty();
            assertThat(env).as(name).containsKeys("SAS_HTTP_TLS_KEYSTORE_LOCATION", "SAS_KAFKA_SASL_JAAS_CONFIG");
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                assertThat(map(map(patched.get(probe)).get("httpGet"))).as(name + " " + probe)
                    .containsEntry("scheme", "HTTPS");
            }
        }
        assertThat(kafkaSecrets).as("a Kafka principal per app").doesNotHaveDuplicates().hasSize(3);
    }

    /** Where kubectl is installed, kustomize must build the set (offline; no cluster needed). */
    @Test
    void kustomizeShouldBuildTheSet() throws Exception {
        for (String set : List.of("ops/k8s", "ops/k8s-secure")) {
            Optional<Map.Entry<Integer, String>> result = DeploymentFiles.runIfInstalled("kubectl", "kustomize", set);
            assumeTrue(result.isPresent(), "kubectl is not installed here");
            assertThat(result.get().getKey()).as(result.get().getValue()).isZero();
            assertThat(result.get().getValue()).contains("kind: Deployment", "kind: Job");
        }
    }

    private record Container(String name, AppSettings app, Map<String, Object> pod, Map<String, Object> container) {
    }

    private static List<Container> containers() {
        List<Container> found = new ArrayList<>();
        for (Map<String, Object> object : OBJECTS) {
            Map<String, Object> pod = map(map(object.get("spec")).get("template"));
            for (Object c : list(map(pod.get("spec")).get("containers"))) {
                String image = String.valueOf(map(c).get("image"));
                String name = map(object.get("metadata")).get("name") + "/" + map(c).get("name");
                found.add(new Container(name, DeploymentFiles.app(image)
                    .orElseThrow(() -> new AssertionError(name + ": not a kafka-sas image: " + image)), pod, map(c)));
            }
        }
        return found;
    }
}
