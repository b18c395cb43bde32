package io.kafkasas.handler;

import java.util.Map;

/**
 * Makes a handler; listed in {@code META-INF/services/io.kafkasas.handler.TaskHandlerFactory} of the jar
 * that provides it. The agent enables handlers by {@link #name()} ({@code agent.handlers}) and passes each its
 * {@code handler.<name>.*} settings with the prefix removed.
 */
public interface TaskHandlerFactory {

    String name();

    /** The handler; throws {@link IllegalArgumentException} naming the setting when {@code settings} are wrong. */
    TaskHandler create(Map<String, String> settings);
}
