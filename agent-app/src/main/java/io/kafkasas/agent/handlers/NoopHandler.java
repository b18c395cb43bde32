package io.kafkasas.agent.handlers;

import io.kafkasas.handler.SettinglessHandler;
import io.kafkasas.handler.TaskContext;

/** {@code noop}: succeeds at once with no result; for tests and benchmarks of kafka-sas itself. */
public final class NoopHandler extends SettinglessHandler {

    public NoopHandler() {
        super("noop");
    }

    @Override
    public byte[] run(TaskContext context) {
        return null;
    }
}
