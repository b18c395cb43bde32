package io.kafkasas.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkasas.schemas.registry.CompatibilityLevel;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.RegisteredSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The local registry's state as an append-only file of JSON lines, one per change: replayed at start, appended
 * (and flushed) on every change, so nothing registered is lost when the local stack stops.
 */
final class RegistryJournal implements InMemorySchemaRegistry.Journal, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private BufferedWriter writer;

    RegistryJournal(Path file) {
        this.file = file;
    }

    /** Puts every journalled change into {@code registry}; returns how many there were. */
    int replayInto(InMemorySchemaRegistry registry) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int count = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode change = JSON.readTree(line);
            if ("register".equals(change.path("op").asText())) {
                registry.restore(new RegisteredSchema(change.get("subject").asText(), change.get("version").asInt(),
                    change.get("id").asInt(), InMemorySchemaRegistry.parse(change.get("schema").asText())));
            } else {
                JsonNode subject = change.get("subject");
                registry.restoreCompatibility(subject == null || subject.isNull() ? null : subject.asText(),
                    CompatibilityLevel.parse(change.get("level").asText()));
            }
            count++;
        }
        return count;
    }

    @Override
    public void registered(RegisteredSchema schema) {
        append(JSON.createObjectNode().put("op", "register").put("subject", schema.subject())
            .put("version", schema.version()).put("id", schema.id()).put("schema", schema.schema().toString()));
    }

    @Override
    public void compatibilitySet(String subject, CompatibilityLevel level) {
        append(JSON.createObjectNode().put("op", "config").put("subject", subject).put("level", level.name()));
    }

    private synchronized void append(ObjectNode change) {
        try {
            if (writer == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            }
            writer.write(JSON.writeValueAsString(change));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the registry journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
