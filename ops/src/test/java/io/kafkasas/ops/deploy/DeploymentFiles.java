package io.kafkasas.ops.deploy;

import io.kafkasas.ops.config.AppSettings;
import io.kafkasas.schemas.config.ConfigSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The deployment files of the repository, read as the tools read them (YAML merge keys resolved). */
final class DeploymentFiles {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String IMAGE_PREFIX = "kafka-sas/";
    static final String STATE_MOUNT = "/var/lib/kafka-sas";

    private DeploymentFiles() {
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        Map<String, Object> first = yamlDocuments(file).get(0);
        return first == null ? Map.of() : first;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            new Yaml(new LoaderOptions()).loadAll(reader).forEach(d -> documents.add((Map<String, Object>) d));
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node == null ? List.of() : (List<Object>) node;
    }

    /** A compose {@code environment}: a map, or a list of {@code NAME=value}. */
    static Map<String, String> environment(Object node) {
        Map<String, String> env = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else {
            for (Object entry : list(node)) {
                String[] nameValue = String.valueOf(entry).split("=", 2);
                env.put(nameValue[0], nameValue.length > 1 ? nameValue[1] : null);
            }
        }
        return env;
    }

    /** The kafka-sas app of {@code image} ({@code kafka-sas/<app>:<tag>}), if it is one of ours. */
    static Optional<AppSettings> app(String image) {
        if (image == null || !image.startsWith(IMAGE_PREFIX)) {
            return Optional.empty();
        }
        String name = image.substring(IMAGE_PREFIX.length()).split(":")[0];
        return Optional.of(AppSettings.ofImage(name).orElseThrow(() -> new AssertionError(
            "Image " + image + " is no kafka-sas app (" + Arrays.toString(AppSettings.values()) + ")")));
    }

    /** The HTTP port the app listens on with {@code env}: its port setting there, else the default. */
    static int httpPort(AppSettings app, Map<String, String> env) {
        String key = app.httpPortKey().orElseThrow();
        String value = env.get(ConfigSource.envNameOf(key));
        return value != null ? Integer.parseInt(value) : app.defaultHttpPort();
    }

    /** Runs {@code command} in the repository if its program is installed; its exit code and output, or empty. */
    static Optional<Map.Entry<Integer, String>> runIfInstalled(String... command) throws Exception {
        return runIfInstalled(Map.of(), command);
    }

    /** As above, with {@code env} added to the command's environment. */
    static Optional<Map.Entry<Integer, String>> runIfInstalled(Map<String, String> env, String... command)
        throws Exception {
        boolean installed = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command[0])));
        if (!installed) {
            return Optional.empty();
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within 60 s");
        }
        return Optional.of(Map.entry(process.exitValue(), output));
    }
}
