package io.kafkasas.agent.run;

import io.kafkasas.handler.TaskContext;
import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@code stubborn}: ignores cancellation and interrupts for 3 s, like a handler stuck in native code. */
public final class StubbornHandler implements TaskHandlerFactory, TaskHandler {

    @Override
    public String name() {
        return "stubborn";
    }

    @Override
    public TaskHandler create(Map<String, String> settings) {
        return this;
    }

    @Override
    public byte[] run(TaskContext context) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(until - System.nanoTime());
        }
        return null;
    }
}
