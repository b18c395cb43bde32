package io.kafkasas.agent.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkasas.handler.TaskFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** JSON payloads of the built-in handlers; a payload that cannot be read fails the task for good. */
final class Payloads {

    static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** The payload as a JSON object; an empty payload is an empty object. */
    static JsonNode object(byte[] payload, String handler) throws TaskFailedException {
        if (payload.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(payload);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below with what the handler expects
        }
        throw new TaskFailedException(handler + ".bad-payload", "The " + handler
            + " handler needs a JSON object payload; got: " + tail(payload, 200), false);
    }

    /** The last {@code max} bytes of {@code bytes} as text, marked when cut. */
    static String tail(byte[] bytes, int max) {
        if (bytes.length <= max) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return "..." + new String(Arrays.copyOfRange(bytes, bytes.length - max, bytes.length),
            StandardCharsets.UTF_8);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
