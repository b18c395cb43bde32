package io.kafkasas.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a step's result reaches the steps after it. In a step's payload (JSON text), {@code ${steps.<name>.result}}
 * stands for the result of step {@code <name>}, and {@code ${steps.<name>.result.<field>.<field>}} for a field in it;
 * each is replaced when the step is submitted:
 * <ul>
 *   <li>a reference that is a whole JSON string, {@code "${steps.build.result.stdout}"}, becomes the value itself
 *   (an object, a number, a string...);</li>
 *   <li>one inside a longer string, {@code "deploy ${steps.build.result.stdout}"}, becomes the value's text in it;</li>
 *   <li>one outside any string, {@code {"artifact": ${steps.build.result}}}, becomes the value as JSON.</li>
 * </ul>
 * A result that is not JSON is a string; a field that is not there, or a step that succeeded without a result, is
 * {@code null}. A step may refer only to the steps it depends on, directly or through others (a compensation also to
 * its own step); the rules refuse any other reference.
 */
public final class ResultRefs {

    private static final Pattern REFERENCE =
        Pattern.compile("\\$\\{steps\\.([A-Za-z0-9_-]{1,64})\\.result((?:\\.[A-Za-z0-9_-]+)*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultRefs() {
    }

    /** The steps {@code payload} refers to. */
    public static Set<String> referenced(ByteBuffer payload) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = REFERENCE.matcher(text(payload));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** {@code payload} with every reference replaced by the step's result in {@code results}. */
    public static ByteBuffer resolve(ByteBuffer payload, Map<String, ByteBuffer> results) {
        String text = text(payload);
        Matcher matcher = REFERENCE.matcher(text);
        if (!matcher.find()) {
            return payload;
        }
        StringBuilder resolved = new StringBuilder();
        int copied = 0;
        boolean inString = false;
        matcher.reset();
        while (matcher.find()) {
            inString ^= quotesIn(text, copied, matcher.start()) % 2 == 1;
            JsonNode value = value(results.get(matcher.group(1)), matcher.group(2));
            boolean whole = inString && text.charAt(matcher.start() - 1) == '"' && matcher.end() < text.length()
                && text.charAt(matcher.end()) == '"';
            if (whole) { // "${...}" is the value, quotes and all
                resolved.append(text, copied, matcher.start() - 1).append(value);
                copied = matcher.end() + 1;
                inString = false;
            } else {
                String inserted = !inString ? value.toString()
                    : quoted(value.isTextual() ? value.asText() : value.toString());
                resolved.append(text, copied, matcher.start()).append(inserted);
                copied = matcher.end();
            }
        }
        resolved.append(text, copied, text.length());
        return ByteBuffer.wrap(resolved.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The result (JSON, else a string) and the field {@code path} ({@code .a.b}) in it. */
    private static JsonNode value(ByteBuffer result, String path) {
        if (result == null) {
            return NullNode.getInstance();
        }
        JsonNode value;
        try {
            value = JSON.readTree(text(result));
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(text(result));
        }
        for (String field : path.isEmpty() ? new String[0] : path.substring(1).split("\\.")) {
            value = value == null ? null : value.get(field);
        }
        return value == null || value.isMissingNode() ? NullNode.getInstance() : value;
    }

    /** The unescaped quotes in {@code text} from {@code from} to {@code to}. */
    private static int quotesIn(String text, int from, int to) {
        int quotes = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quotes++;
            }
        }
        return quotes;
    }

    /** {@code text} escaped to go inside a JSON string. */
    private static String quoted(String text) {
        String json = JsonNodeFactory.instance.textNode(text).toString();
        return json.substring(1, json.length() - 1);
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }
}
