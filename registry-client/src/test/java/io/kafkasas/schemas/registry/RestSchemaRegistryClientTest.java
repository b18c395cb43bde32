package io.kafkasas.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The REST client against canned answers in the exact shape of Confluent's documented API, errors included, so
 * it is known to work with a real Confluent Schema Registry, not only with our own local one.
 */
class RestSchemaRegistryClientTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"TaskEvent\","
        + "\"namespace\":\"io.kafkasas.avro\",\"fields\":[{\"name\":\"taskId\",\"type\":\"string\"}]}");
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int status;
    private volatile String body;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(int httpStatus, String json) {
        status = httpStatus;
        body = json;
    }

    private SchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
            SchemaRegistryConfig.URL, "http://127.0.0.1:" + server.getAddress().getPort(),
            SchemaRegistryConfig.RETRY_BACKOFF_MS, 1));
        config.putAll(extra);
        return SchemaRegistryClients.create(config);
    }

    @Test
    void shouldRegisterAndSendBasicAuth() {
        answer(200, "{\"id\":7}");

        int id = client(Map.of(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "fred:letmein")).register("t-value", SCHEMA);

        assertThat(id).isEqualTo(7);
        assertThat(requests).containsExactly("POST /subjects/t-value/versions");
        assertThat(authHeaders).containsExactly("Basic ZnJlZDpsZXRtZWlu");
    }

    @Test
    void shouldAskTheRegistryOncePerSchemaId() {
        answer(200, "{\"schema\":" + quoted(SCHEMA.toString()) + "}");
        SchemaRegistryClient client = client(Map.of());

        for (int i = 0; i < 100; i++) {
            assertThat(client.schemaById(3)).isEqualTo(SCHEMA);
        }

        assertThat(requests).containsExactly("GET /schemas/ids/3");
    }

    @Test
    void shouldReadLatestVersionAndCompatibility() {
        answer(200, "{\"subject\":\"t-value\",\"version\":2,\"id\":9,\"schema\":" + quoted(SCHEMA.toString()) + "}");
        assertThat(client(Map.of()).latest("t-value")).isEqualTo(new RegisteredSchema("t-value", 2, 9, SCHEMA));

        answer(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(client(Map.of()).compatibility("t-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);

        answer(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE: tenant\"]}");
        assertThat(client(Map.of()).testCompatibility("t-value", SCHEMA))
            .isEqualTo(new CompatibilityResult(false, List.of("READER_FIELD_MISSING_DEFAULT_VALUE: tenant")));
        assertThat(requests).contains("GET /config/t-value?defaultToGlobal=true",
            "POST /compatibility/subjects/t-value/versions/latest?verbose=true");
    }

    @Test
    void shouldMapDocumentedErrorCodesToExceptionsThatNameThem() {
        SchemaRegistryClient client = client(Map.of());
        answer(404, "{\"error_code\":40401,\"message\":\"Subject 't-value' not found.\"}");
        assertThatThrownBy(() -> client.latest("t-value")).isInstanceOf(SubjectNotFoundException.class)
            .hasMessage("Subject 't-value' not found.");

        answer(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        assertThatThrownBy(() -> client.schemaById(99)).isInstanceOf(SchemaNotFoundException.class);

        answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
        assertThatThrownBy(() -> client.register("t-value", SCHEMA)).isInstanceOf(IncompatibleSchemaException.class)
            .hasMessageContaining("incompatible");

        answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        assertThatThrownBy(() -> client.register("x-value", SCHEMA)).isInstanceOf(InvalidSchemaException.class);

        answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        assertThatThrownBy(() -> client.subjects()).isInstanceOf(RegistryAccessDeniedException.class);
    }

    @Test
    void shouldTakeEveryNotFoundOfAnIdForAMissingSchemaAndNeverAskForANegativeOne() {
        SchemaRegistryClient client = client(Map.of());
        answer(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(SchemaNotFoundException.class);
        answer(404, "<html>Not Found</html>"); // a proxy's, or a registry that routes no such id
        assertThatThrownBy(() -> client.schemaById(8)).isInstanceOf(SchemaNotFoundException.class)
            .satisfies(e -> assertThat(SchemaRegistryException.isOutage(e)).isFalse());
        int asked = requests.size();
        assertThatThrownBy(() -> client.schemaById(-1)).isInstanceOf(SchemaNotFoundException.class);
        assertThat(requests).hasSize(asked);

        answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        assertThatThrownBy(() -> client.schemaById(9)).as("a credential to fix, not poison")
            .satisfies(e -> assertThat(SchemaRegistryException.isOutage(e)).isTrue());
    }

    @Test
    void shouldRetryBackendErrorsABoundedNumberOfTimesThenSayTheRegistryIsUnavailable() {
        answer(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");

        assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.MAX_RETRIES, 2)).register("t-value", SCHEMA))
            .isInstanceOfSatisfying(RegistryUnavailableException.class, e -> assertThat(e.isRetriable()).isTrue())
            .hasMessageContaining("unavailable after 3 attempts");
        assertThat(requests).hasSize(3);
    }

    @Test
    void shouldSayWhereItTriedWhenNothingListens() {
        int port = server.getAddress().getPort();
        server.stop(0);

        assertThatThrownBy(() -> client(Map.of(SchemaRegistryConfig.MAX_RETRIES, 1)).schemaById(1))
            .isInstanceOf(RegistryUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + port)
            .hasMessageContaining(SchemaRegistryConfig.URL);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
