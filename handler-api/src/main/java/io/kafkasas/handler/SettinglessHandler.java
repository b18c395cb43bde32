package io.kafkasas.handler;

import java.util.Map;

/**
 * A handler that takes no settings and is its own factory: extend it, name it in the constructor, implement
 * {@link #run}, and list the class in {@code META-INF/services/io.kafkasas.handler.TaskHandlerFactory}. One instance
 * serves every task of its type, concurrently.
 */
public abstract class SettinglessHandler implements TaskHandlerFactory, TaskHandler {

    private final String name;

    protected SettinglessHandler(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    /** This handler; the settings are ignored. */
    @Override
    public final TaskHandler create(Map<String, String> settings) {
        return this;
    }
}
