package io.kafkasas.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API over HTTP(S). It does not cache: wrap it in a
 * {@link CachingSchemaRegistryClient} (as {@link SchemaRegistryClients#create} does) so records cost no calls.
 *
 * <p>A call that fails for a retriable reason (connection refused, time-out, 5xx) is retried with doubling
 * back-off up to the configured count, moving on to the next URL each time; then it throws
 * {@link RegistryUnavailableException}. Error bodies ({@code {"error_code":40401,"message":"..."}}) become the
 * {@link SchemaRegistryException} subclass their code names.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryConfig config;
    private final List<URI> baseUris;
    private final HttpClient http;
    private final String authorization;

    public RestSchemaRegistryClient(SchemaRegistryConfig config) {
        this.config = config;
        this.baseUris = config.urls().stream().map(RestSchemaRegistryClient::baseUri).toList();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
        if (baseUris.stream().anyMatch(u -> "https".equals(u.getScheme()))) {
            builder.sslContext(RegistryTls.sslContext(config));
        }
        this.http = builder.build();
        String userInfo = config.userInfo();
        this.authorization = userInfo == null ? null
            : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static URI baseUri(String url) {
        String trimmed = url.trim();
        URI uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Schema registry URL '" + url + "' must start with http:// or https://"
                + " (or be mock://<scope> for an in-memory registry)");
        }
        return uri;
    }

    @Override
    public int register(String subject, Schema schema) {
        return call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema)).get("id").asInt();
    }

    /**
     * Any 404 here means "no such schema": registries answer an unknown id with 40403, but a proxy or a registry
     * that does not route negative ids answers a bare 404, and neither is an outage.
     */
    @Override
    public Schema schemaById(int id) {
        if (id < 0) {
            throw new SchemaNotFoundException("Schema id " + id + " cannot exist: registry ids are not negative");
        }
        try {
            return InMemorySchemaRegistry.parse(call("GET", "/schemas/ids/" + id, null).get("schema").asText());
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404 && !(e instanceof SchemaNotFoundException)) {
                throw new SchemaNotFoundException("Schema " + id + " not found: " + e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return registered(call("POST", "/subjects/" + enc(subject), schemaBody(schema)));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null));
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode body;
        try {
            body = call("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        } catch (SubjectNotFoundException e) {
            return CompatibilityResult.ok(); // nothing registered yet: anything is compatible
        }
        List<String> messages = new ArrayList<>();
        body.path("messages").forEach(n -> messages.add(n.asText()));
        return new CompatibilityResult(body.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        String path = subject == null ? "/config" : "/config/" + enc(subject) + "?defaultToGlobal=true";
        return CompatibilityLevel.parse(call("GET", path, null).path("compatibilityLevel").asText());
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("PUT", subject == null ? "/config" : "/config/" + enc(subject), body);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static RegisteredSchema registered(JsonNode n) {
        return new RegisteredSchema(n.get("subject").asText(), n.get("version").asInt(), n.get("id").asInt(),
            InMemorySchemaRegistry.parse(n.get("schema").asText()));
    }

    private static String enc(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String pathAndQuery, JsonNode body) {
        RuntimeException last = null;
        long backoff = config.retryBackoff().toMillis();
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            URI base = baseUris.get(attempt % baseUris.size());
            try {
                return send(base, method, pathAndQuery, body);
            } catch (RegistryUnavailableException e) {
                last = e;
                if (attempt < config.maxRetries()) {
                    LOG.debug("Registry call {} {} on {} failed (attempt {}), retrying: {}",
                        method, pathAndQuery, base, attempt + 1, e.getMessage());
                    pause(backoff);
                    backoff *= 2;
                }
            }
        }
        throw new RegistryUnavailableException(503, 0, "Schema registry " + baseUris + " unavailable after "
            + (config.maxRetries() + 1) + " attempts of " + method + " " + pathAndQuery + ": " + last.getMessage()
            + " - check " + SchemaRegistryConfig.URL + " and that the registry is running", last);
    }

    private JsonNode send(URI base, String method, String pathAndQuery, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(config.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException(0, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(0, 0, "interrupted", e);
        }
        return parse(response, method + " " + pathAndQuery);
    }

    private static JsonNode parse(HttpResponse<String> response, String what) {
        JsonNode json;
        try {
            json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return json;
        }
        int code = json.path("error_code").asInt(status);
        String message = json.path("message").asText("HTTP " + status + " from " + what + ": " + response.body());
        throw errorOf(status, code, message);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Maps a documented error code to the exception that names it. */
    private static SchemaRegistryException errorOf(int httpStatus, int errorCode, String message) {
        return switch (errorCode) {
            case ErrorCodes.SUBJECT_NOT_FOUND, ErrorCodes.VERSION_NOT_FOUND,
                ErrorCodes.SUBJECT_LEVEL_NOT_CONFIGURED ->
                new SubjectNotFoundException(errorCode, message);
            case ErrorCodes.SCHEMA_NOT_FOUND -> new SchemaNotFoundException(message);
            case ErrorCodes.INCOMPATIBLE_SCHEMA -> new IncompatibleSchemaException(message);
            case ErrorCodes.INVALID_SCHEMA, ErrorCodes.INVALID_VERSION ->
                new InvalidSchemaException(errorCode, message);
            case ErrorCodes.INVALID_COMPATIBILITY_LEVEL -> new InvalidCompatibilityLevelException(message);
            default -> httpStatus == 401 || httpStatus == 403
                ? new RegistryAccessDeniedException(httpStatus, errorCode, message)
                : httpStatus >= 500 || errorCode >= 50000
                    ? new RegistryUnavailableException(httpStatus, errorCode, message, null)
                    : new SchemaRegistryException(httpStatus, errorCode, message);
        };
    }
}
