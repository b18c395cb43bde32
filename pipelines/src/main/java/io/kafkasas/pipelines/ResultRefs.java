package io.kafkasas.pipelines;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a step's result reaches the steps after it: the text {@code ${steps.<name>.result}} in a step's payload is
 * replaced, when the step is started, by the result of step {@code <name>} as it is (its bytes, read as UTF-8): a
 * JSON result drops into a JSON payload as a value, {@code {"artifact": ${steps.build.result}}}. A step may refer
 * only to the steps it depends on, directly or through others (a compensation also to its own step); the rules
 * refuse any other reference. A step that succeeded without a result stands for {@code null}.
 */
public final class ResultRefs {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{steps\\.([A-Za-z0-9_-]{1,64})\\.result}");

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
        matcher.reset();
        while (matcher.find()) {
            ByteBuffer result = results.get(matcher.group(1));
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(result == null ? "null" : text(result)));
        }
        matcher.appendTail(resolved);
        return ByteBuffer.wrap(resolved.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }
}
