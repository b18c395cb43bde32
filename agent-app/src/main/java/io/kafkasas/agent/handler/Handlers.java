package io.kafkasas.agent.handler;

import io.kafkasas.handler.TaskHandler;
import io.kafkasas.handler.TaskHandlerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The handlers of an agent, found with {@link ServiceLoader} on the class path (enabled by name) and in plugin
 * folders (all enabled), and mapped to task types.
 */
public final class Handlers {

    private final Map<String, TaskHandler> byType;
    private final Map<String, TaskHandler> byName;

    private Handlers(Map<String, TaskHandler> byName, Map<String, TaskHandler> byType) {
        this.byName = byName;
        this.byType = byType;
    }

    /**
     * Enables the class path's {@code enabled} handlers and every handler in the plugins of {@code pluginPath}, each
     * configured from {@code settingsOf.apply(name)}, and maps task types: a type maps to the handler of the same
     * name unless {@code typeMapping} says otherwise.
     *
     * <p>Each folder of {@code pluginPath} holds plugins: a jar directly in it is one plugin, a subfolder is one
     * plugin made of the jars in it (a handler and its own libraries). Every plugin has a class loader of its own
     * whose parent is {@code loader}, so plugins see the handler API but not each other's libraries.
     */
    public static Handlers load(List<String> enabled, List<Path> pluginPath,
                                Function<String, Map<String, String>> settingsOf, Map<String, String> typeMapping,
                                ClassLoader loader) {
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
        for (Plugin plugin : plugins(pluginPath, loader)) {
            for (TaskHandlerFactory factory : plugin.factories()) {
                if (byName.containsKey(factory.name())) {
                    throw new IllegalArgumentException("handler '" + factory.name() + "' of plugin " + plugin.path()
                        + " has the name of a handler already enabled; enabled: " + new TreeMap<>(byName).keySet());
                }
                byName.put(factory.name(), factory.create(settingsOf.apply(factory.name())));
            }
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

    /** One plugin: its jars and the handler factories they list (not those its parent loader already sees). */
    private record Plugin(Path path, List<TaskHandlerFactory> factories) {
    }

    private static List<Plugin> plugins(List<Path> pluginPath, ClassLoader parent) {
        List<Plugin> plugins = new ArrayList<>();
        for (Path folder : pluginPath) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("agent.handler.path names " + folder + ", which is not a folder");
            }
            for (Path entry : list(folder)) {
                List<Path> jars = Files.isDirectory(entry) ? list(entry).stream().filter(Handlers::isJar).toList()
                    : isJar(entry) ? List.of(entry) : List.of();
                if (!jars.isEmpty()) {
                    plugins.add(new Plugin(entry, factories(jars, parent)));
                }
            }
        }
        return plugins;
    }

    private static List<TaskHandlerFactory> factories(List<Path> jars, ClassLoader parent) {
        URL[] urls = jars.stream().map(Handlers::url).toArray(URL[]::new);
        // lives as long as the agent: its handlers run until the process ends
        URLClassLoader loader = new URLClassLoader(urls, parent);
        return ServiceLoader.load(TaskHandlerFactory.class, loader).stream()
            .filter(provider -> provider.type().getClassLoader() == loader)
            .map(ServiceLoader.Provider::get)
            .toList();
    }

    private static boolean isJar(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar");
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list handler plugins in " + folder, e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable jar path: " + jar, e);
        }
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
