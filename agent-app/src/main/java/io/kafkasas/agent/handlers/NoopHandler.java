package io.kafkasas.agent.handlers;

import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.util.Map;

/** {@code noop}: succeeds at once with no result; for tests and benchmarks of kafka-sas itself. */
public final class NoopHandler implements TaskHandlerFactory, TaskHandler {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public TaskHandler create(Map<String, String> settings) {
        return this;
    }

    @Override
    public byte[] run(TaskContext context) {
        return null;
    }
}
