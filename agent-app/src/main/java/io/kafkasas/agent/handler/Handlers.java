package io.kafkasas.agent.handler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The handlers of an agent: found with {@link ServiceLoader}, enabled by name, mapped to task types. */
public final class Handlers {

    private final Map<String, TaskHandler> byType;
    private final Map<String, TaskHandler> byName;

    private Handlers(Map<String, TaskHandler> byName, Map<String, TaskHandler> byType) {
        this.byName = byName;
        this.byType = byType;
    }

    /**
     * Enables {@code enabled} handlers, each configured from {@code settingsOf.apply(name)}, and maps task types:
     * a type maps to the handler of the same name unless {@code typeMapping} says otherwise.
     */
    public static Handlers load(List<String> enabled, Function<String, Map<String, String>> settingsOf,
                                Map<String, String> typeMapping, ClassLoader loader) {
        Map<String, TaskHandlerFactory> available = new TreeMap<>();
        ServiceLoader.load(TaskHandlerFactory.class, loader).forEach(f -> available.put(f.name(), f));
        Map<String, TaskHandler> byName = new HashMap<>();
        for (String name : enabled) {
            TaskHandlerFactory factory = available.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("agent.handlers names '" + name + "', but no handler of that name"
                    + " is on the class path; available: " + available.keySet());
            }
            byName.put(name, factory.create(settingsOf.apply(name)));
        }
        Map<String, TaskHandler> byType = new HashMap<>(byName);
        for (Map.Entry<String, String> mapping : typeMapping.entrySet()) {
            TaskHandler handler = byName.get(mapping.getValue());
            if (handler == null) {
                throw new IllegalArgumentException("agent.task.type." + mapping.getKey() + " names handler '"
                    + mapping.getValue() + "', which is not enabled; enabled: " + byName.keySet());
            }
            byType.put(mapping.getKey(), handler);
        }
        return new Handlers(Map.copyOf(byName), Map.copyOf(byType));
    }

    /** The handler of {@code type}, or null if this agent has none. */
    public TaskHandler forType(String type) {
        return byType.get(type);
    }

    /** Task types this agent runs, sorted. */
    public String describe() {
        return byType.keySet().stream().sorted().collect(Collectors.joining(", "))
            + " (handlers: " + String.join(", ", new TreeMap<>(byName).keySet()) + ")";
    }
}
