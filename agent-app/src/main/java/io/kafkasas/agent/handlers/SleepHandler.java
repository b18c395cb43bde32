package io.kafkasas.agent.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkasas.handler.SettinglessHandler;
import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskFailedException;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * {@code sleep}: waits {@code {"ms": 250}} (default 100), reporting progress on the way, and stops at once when
 * cancelled; {@code "fail": "message"} then fails the attempt (retryable). For tests, demos and benchmarks.
 */
public final class SleepHandler extends SettinglessHandler {

    private static final int PROGRESS_STEPS = 4;

    public SleepHandler() {
        super("sleep");
    }

    @Override
    public byte[] run(TaskContext context) throws Exception {
        JsonNode payload = Payloads.object(context.payload(), name());
        long ms = payload.path("ms").asLong(100);
        boolean report = ms >= 1000;
        for (int step = 1; step <= PROGRESS_STEPS; step++) {
            if (context.awaitCancellation(Duration.ofMillis(ms / PROGRESS_STEPS))) {
                throw new CancellationException("sleep cancelled");
            }
            if (report && step < PROGRESS_STEPS) {
                context.progress(100 * step / PROGRESS_STEPS, "slept " + ms * step / PROGRESS_STEPS + " ms");
            }
        }
        if (payload.hasNonNull("fail")) {
            throw new TaskFailedException("sleep.fail", payload.get("fail").asText(), true);
        }
        return null;
    }
}
