package io.kafkasas.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's result handed on: as a value, a field of it, or text within a string; the payload stays JSON. */
class ResultRefsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, ByteBuffer> RESULTS = Map.of(
        "build", bytes("{\"exitCode\":0,\"stdout\":\"app-42.tar\\n\",\"meta\":{\"size\":7}}"),
        "plain", bytes("not \"json\""));

    @Test
    void shouldPutAWholeResultOrAFieldOfItAsAValue() throws Exception {
        String resolved = resolve("{\"artifact\": ${steps.build.result}, \"size\": ${steps.build.result.meta.size},"
            + " \"out\": \"${steps.build.result.stdout}\", \"all\": \"${steps.build.result}\"}");

        assertThat(JSON.readTree(resolved).get("artifact").get("exitCode").asInt()).isZero();
        assertThat(JSON.readTree(resolved).get("size").asInt()).isEqualTo(7);
        assertThat(JSON.readTree(resolved).get("out").asText()).isEqualTo("app-42.tar\n");
        assertThat(JSON.readTree(resolved).get("all").get("stdout").asText()).isEqualTo("app-42.tar\n");
    }

    @Test
    void shouldWriteAResultInsideALongerStringAsEscapedText() throws Exception {
        String resolved = resolve("{\"command\": \"deploy\", \"args\": [\"--from=${steps.build.result.stdout}\","
            + " \"${steps.plain.result} and \\\"${steps.build.result.exitCode}\\\"\"]}");

        assertThat(JSON.readTree(resolved).get("args").get(0).asText()).isEqualTo("--from=app-42.tar\n");
        assertThat(JSON.readTree(resolved).get("args").get(1).asText()).isEqualTo("not \"json\" and \"0\"");
    }

    @Test
    void shouldStandForNullWhenThereIsNoResultOrNoSuchField() throws Exception {
        String resolved = resolve("{\"a\": ${steps.none.result}, \"b\": \"${steps.build.result.nothing.here}\","
            + " \"c\": ${steps.plain.result}}");

        assertThat(JSON.readTree(resolved).get("a").isNull()).isTrue();
        assertThat(JSON.readTree(resolved).get("b").isNull()).isTrue();
        assertThat(JSON.readTree(resolved).get("c").asText()).isEqualTo("not \"json\"");
        assertThat(ResultRefs.referenced(bytes(resolve("{}") + "${steps.x.result.y} ${steps.z.result}")))
            .containsExactly("x", "z");
    }

    private static String resolve(String payload) {
        return StandardCharsets.UTF_8.decode(ResultRefs.resolve(bytes(payload), RESULTS)).toString();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
