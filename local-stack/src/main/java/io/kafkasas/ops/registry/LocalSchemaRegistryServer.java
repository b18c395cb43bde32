package io.kafkasas.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kafkasas.schemas.registry.CompatibilityLevel;
import io.kafkasas.schemas.registry.CompatibilityResult;
import io.kafkasas.schemas.registry.InMemorySchemaRegistry;
import io.kafkasas.schemas.registry.InvalidSchemaException;
import io.kafkasas.schemas.registry.RegisteredSchema;
import io.kafkasas.schemas.registry.SchemaNotFoundException;
import io.kafkasas.schemas.registry.SchemaRegistryException;
import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry for the local stack that several processes share: the Confluent Schema Registry REST API
 * (the subset kafka-sas and common topic tools use; Avro only), over an {@link InMemorySchemaRegistry} whose
 * changes are journalled to a file, so a restarted local stack still decodes old records.
 *
 * <p>Routes: {@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v}},
 * {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}}, {@code GET /schemas/ids/{id}},
 * {@code POST /compatibility/subjects/{s}/versions/{v}}, {@code GET|PUT /config}, {@code GET|PUT /config/{s}}.
 * Production uses Confluent Schema Registry, Apicurio (ccompat) or Karapace instead.
 */
public final class LocalSchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchemaRegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT_VERSION = Pattern.compile("/subjects/([^/]+)/versions/([^/]+)");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(-?\\d{1,19})");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/([^/]+)");
    private static final Pattern SUBJECT_CONFIG = Pattern.compile("/config/([^/]+)");

    private final InMemorySchemaRegistry registry;
    private final RegistryJournal journal;
    private final HttpServer server;

    private LocalSchemaRegistryServer(InMemorySchemaRegistry registry, RegistryJournal journal, HttpServer server) {
        this.registry = registry;
        this.journal = journal;
        this.server = server;
    }

    /**
     * Starts the registry on 127.0.0.1:{@code port} (0 for a free port), restoring and then journalling its
     * state in {@code journalFile}.
     */
    public static LocalSchemaRegistryServer start(Path journalFile, int port) throws IOException {
        // the port first: a port that is taken (BindException) leaves no journal open
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        RegistryJournal journal = new RegistryJournal(journalFile);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry(journal);
        int restored = journal.replayInto(registry);
        LocalSchemaRegistryServer registryServer = new LocalSchemaRegistryServer(registry, journal, server);
        server.createContext("/", registryServer::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        LOG.info("Local schema registry at {} ({} change(s) restored from {})", registryServer.url(), restored,
            journalFile);
        return registryServer;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        journal.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            JsonNode body;
            try {
                body = route(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestBody());
            } catch (SchemaRegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("Registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                body = error(ErrorCodes.BACKEND_STORE_ERROR, "Error in the backend data store: " + e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private JsonNode route(String method, String path, String query, InputStream in) throws IOException {
        Matcher m;
        boolean get = "GET".equals(method);
        boolean post = "POST".equals(method);
        boolean put = "PUT".equals(method);
        if (get && ("/".equals(path) || path.isEmpty())) {
            return JSON.createObjectNode();
        }
        if (get && "/subjects".equals(path)) {
            return JSON.valueToTree(registry.subjects());
        }
        if ((m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            if (post) {
                int id = registry.register(subject(m), schemaOf(in));
                return JSON.createObjectNode().put("id", id);
            }
            if (get) {
                return JSON.valueToTree(registry.versions(subject(m)));
            }
        }
        if (get && (m = SUBJECT_VERSION.matcher(path)).matches()) {
            return registered(version(subject(m), m.group(2)));
        }
        if (post && (m = SUBJECT.matcher(path)).matches()) {
            return registered(registry.lookup(subject(m), schemaOf(in)));
        }
        if (get && (m = SCHEMA_BY_ID.matcher(path)).matches()) {
            long id = Long.parseLong(m.group(1));
            if (id < 0 || id > Integer.MAX_VALUE) {
                throw new SchemaNotFoundException("Schema " + id + " not found"); // 40403, as the Confluent API
            }
            return JSON.createObjectNode().put("schema", registry.schemaById((int) id).toString());
        }
        if (post && (m = COMPATIBILITY.matcher(path)).matches()) {
            return compatibility(subject(m), m.group(2), schemaOf(in), query);
        }
        if ("/config".equals(path) && (get || put)) {
            return config(null, method, in);
        }
        if ((m = SUBJECT_CONFIG.matcher(path)).matches() && (get || put)) {
            if (get && (query == null || !query.contains("defaultToGlobal=true"))) {
                return JSON.createObjectNode().put("compatibilityLevel", registry.ownCompatibility(subject(m)).name());
            }
            return config(subject(m), method, in);
        }
        throw new SchemaRegistryException(404, 404, "No route " + method + " " + path + " in the local registry");
    }

    private RegisteredSchema version(String subject, String version) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return registry.latest(subject);
        }
        try {
            return registry.version(subject, Integer.parseInt(version));
        } catch (NumberFormatException e) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
    }

    private JsonNode compatibility(String subject, String version, Schema schema, String query) {
        if (!"latest".equals(version) && registry.subjects().contains(subject)) {
            version(subject, version); // 40402 for a version that does not exist
        }
        CompatibilityResult result = registry.testCompatibility(subject, schema);
        ObjectNode body = JSON.createObjectNode().put("is_compatible", result.compatible());
        if (query != null && query.contains("verbose=true")) {
            body.set("messages", JSON.valueToTree(result.messages()));
        }
        return body;
    }

    private JsonNode config(String subject, String method, InputStream in) throws IOException {
        if ("PUT".equals(method)) {
            JsonNode request = JSON.readTree(in);
            CompatibilityLevel level = CompatibilityLevel.parse(request.path("compatibility").asText(null));
            registry.setCompatibility(subject, level);
            return JSON.createObjectNode().put("compatibility", level.name());
        }
        return JSON.createObjectNode().put("compatibilityLevel", registry.compatibility(subject).name());
    }

    private static String subject(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    private static Schema schemaOf(InputStream in) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(in);
        } catch (IOException e) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_SCHEMA, "Request body is not JSON: " + e.getMessage());
        }
        String type = request.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_SCHEMA,
                "The local registry holds AVRO schemas only, not " + type);
        }
        if (request.path("references").size() > 0) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_SCHEMA, "Schema references are not supported here");
        }
        if (!request.path("schema").isTextual()) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_SCHEMA, "Request body needs a \"schema\" string");
        }
        return InMemorySchemaRegistry.parse(request.get("schema").asText());
    }

    private static JsonNode registered(RegisteredSchema r) {
        return JSON.createObjectNode().put("subject", r.subject()).put("version", r.version()).put("id", r.id())
            .put("schema", r.schema().toString());
    }

    private static JsonNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }
}
