package io.kafkasas.examples.wordcount;

import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskFailedException;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Counts the lines and words of a text payload: task type {@code word-count}, result
 * {@code {"lines":2,"words":5}}. One setting, {@code handler.word-count.max.bytes} (default 1 MiB): a larger payload
 * fails the attempt for good, as no retry can make it smaller.
 */
public final class WordCountHandler implements TaskHandlerFactory {

    /** Lines between two progress reports and cancellation checks. */
    private static final int LINES_PER_STEP = 10_000;

    @Override
    public String name() {
        return "word-count";
    }

    @Override
    public TaskHandler create(Map<String, String> settings) {
        int maxBytes = maxBytes(settings.getOrDefault("max.bytes", String.valueOf(1 << 20)));
        return context -> count(context, maxBytes);
    }

    private static int maxBytes(String value) {
        try {
            int max = Integer.parseInt(value.trim());
            if (max > 0) {
                return max;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("handler.word-count.max.bytes must be a positive number, not '" + value
            + "'");
    }

    private static byte[] count(TaskContext context, int maxBytes) throws TaskFailedException {
        byte[] payload = context.payload();
        if (payload.length > maxBytes) {
            throw new TaskFailedException("word-count.too-large", "the payload has " + payload.length
                + " bytes; at most " + maxBytes + " are counted", false);
        }
        String[] lines = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        long words = 0;
        for (int i = 0; i < lines.length; i++) {
            if (i % LINES_PER_STEP == 0 && i > 0) {
                if (context.isCancelled()) {
                    throw new TaskFailedException("word-count.cancelled", "cancelled after " + i + " lines", false);
                }
                context.progress(i * 100 / lines.length, i + " lines counted");
            }
            String line = lines[i].strip();
            words += line.isEmpty() ? 0 : line.split("\\s+").length;
        }
        int lineCount = payload.length == 0 ? 0 : lines.length;
        return ("{\"lines\":" + lineCount + ",\"words\":" + words + "}").getBytes(StandardCharsets.UTF_8);
    }
}
