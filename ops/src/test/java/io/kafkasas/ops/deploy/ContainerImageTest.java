package io.kafkasas.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkasas.agent.AgentConfig;
import io.kafkasas.agent.host.HostConfig;
import io.kafkasas.ops.config.AppSettings;
import io.kafkasas.ops.config.EnvCheck;
import io.kafkasas.schemas.config.ConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Dockerfile and its scripts against the modules and the apps' settings (no image is built here). */
class ContainerImageTest {

    private static final Path ROOT = DeploymentFiles.ROOT;
    private static final String HANDLERS = "/opt/kafka-sas/handlers";

    @Test
    void everyAppShouldBeBuiltFromItsModule() {
        Map<String, String> modules = cases(read("Dockerfile"), "module=([a-z-]+)");
        assertThat(modules.keySet()).containsExactlyInAnyOrder("scheduler", "supervisor", "agent-host", "dashboard",
            "sasctl");
        modules.forEach((app, module) -> {
            assertThat(AppSettings.ofImage(app)).as(app).isPresent();
            // the shaded, runnable jar is target/<module>.jar
            assertThat(ROOT.resolve(module).resolve("pom.xml")).as(module).exists();
            assertThat(read(module + "/pom.xml")).as(module).contains("<app.mainClass>");
        });
    }

    @Test
    void healthCheckShouldAskEachAppOnItsPort() {
        Map<String, String> ports = cases(read("docker/healthcheck.sh"), "port=\"\\$\\{(SAS_[A-Z_]+:-\\d+)}\"");
        assertThat(ports.keySet()).containsExactlyInAnyOrder("scheduler", "supervisor", "agent-host", "dashboard");
        ports.forEach((name, variableAndDefault) -> {
            AppSettings app = AppSettings.ofImage(name).orElseThrow();
            String[] parts = variableAndDefault.split(":-");
            assertThat(parts[0]).as(name).isEqualTo(ConfigSource.envNameOf(app.httpPortKey().orElseThrow()));
            assertThat(Integer.parseInt(parts[1])).as(name).isEqualTo(app.defaultHttpPort());
        });
    }

    @Test
    void startScriptShouldSetOnlySettingsTheAppReads() {
        String script = read("docker/run.sh");
        Matcher branch = Pattern.compile("(?m)^  ([a-z|-]+)\\)\\n(.*?);;", Pattern.DOTALL).matcher(script);
        int branches = 0;
        while (branch.find()) {
            branches++;
            Map<String, String> env = new HashMap<>();
            Matcher variable = Pattern.compile("(SAS_[A-Z0-9_]+)").matcher(branch.group(2));
            while (variable.find()) {
                env.put(variable.group(1), null);
            }
            for (String name : branch.group(1).split("\\|")) {
                assertThat(EnvCheck.problems(AppSettings.ofImage(name).orElseThrow(), env)).as(name).isEmpty();
            }
        }
        assertThat(branches).isEqualTo(4);
        assertThat(script).contains("${SAS_HOST_AGENTS:-" + HostConfig.DEFINITION.configKeys()
            .get(HostConfig.SLOTS).defaultValue + "}");
    }

    @Test
    void imageShouldRunAsTheUserTheManifestsExpectWithStateOnItsVolume() {
        String dockerfile = read("Dockerfile");
        assertThat(dockerfile).contains("USER 10001:10001", "VOLUME [\"" + DeploymentFiles.STATE_MOUNT + "\"]",
            "HEALTHCHECK", "ENTRYPOINT [\"/opt/kafka-sas/run.sh\"]");
        assertThat(read("docker/run.sh")).contains("SAS_STREAMS_STATE_DIR:-" + DeploymentFiles.STATE_MOUNT + "/");
        assertThat(read("ops/k8s/scheduler.yaml")).contains("runAsUser: 10001");
    }

    @Test
    void agentHostShouldLoadHandlerPluginsFromTheImagesFolder() {
        assertThat(read("Dockerfile")).contains("mkdir -p " + HANDLERS);
        assertThat(read("docker/run.sh")).contains(ConfigSource.envNameOf(AgentConfig.HANDLER_PATH) + ":-" + HANDLERS);
    }

    /** The {@code case} branches of a shell script: app → what {@code pattern}'s group captures in its line. */
    private static Map<String, String> cases(String text, String pattern) {
        Map<String, String> found = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*([a-z-]+)\\) " + pattern).matcher(text);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    private static String read(String file) {
        try {
            return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
