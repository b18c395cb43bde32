package io.kafkasas.pipelines;

import io.kafkasas.avro.Pipeline;
import io.kafkasas.avro.PipelineStep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The steps of a pipeline as a graph: which depend on which, which are ready once others have succeeded, whether it
 * has a cycle, and the graph drawn as text, level by level. Steps keep the order they were given in.
 */
public final class PipelineGraph {

    private final Map<String, PipelineStep> steps = new LinkedHashMap<>();

    private PipelineGraph(Pipeline pipeline) {
        // the first of two steps of one name wins here; the rules report the second
        pipeline.getSteps().forEach(step -> steps.putIfAbsent(step.getName(), step));
    }

    public static PipelineGraph of(Pipeline pipeline) {
        return new PipelineGraph(pipeline);
    }

    public Set<String> names() {
        return steps.keySet();
    }

    public PipelineStep step(String name) {
        return steps.get(name);
    }

    /** The dependencies of {@code name} that are steps of this pipeline. */
    public List<String> dependencies(String name) {
        return steps.get(name).getDependsOn().stream().filter(steps::containsKey).distinct().toList();
    }

    /** Every step {@code name} depends on, directly or through others. */
    public Set<String> ancestors(String name) {
        Set<String> found = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(dependencies(name));
        while (!next.isEmpty()) {
            String step = next.pop();
            if (found.add(step)) {
                next.addAll(dependencies(step));
            }
        }
        return found;
    }

    /** The steps not in {@code started} whose dependencies are all in {@code succeeded}, in the given order. */
    public List<String> ready(Collection<String> succeeded, Collection<String> started) {
        return steps.keySet().stream().filter(name -> !started.contains(name))
            .filter(name -> succeeded.containsAll(dependencies(name))).toList();
    }

    /** A cycle, as the steps along it with the first repeated at the end ({@code a, b, a}); empty if none. */
    public Optional<List<String>> cycle() {
        Map<String, Integer> mark = new LinkedHashMap<>(); // 1: on the path, 2: done
        for (String start : steps.keySet()) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> found = visit(start, mark, path);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<List<String>> visit(String step, Map<String, Integer> mark, List<String> path) {
        Integer state = mark.get(step);
        if (state != null && state == 2) {
            return Optional.empty();
        }
        if (state != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(step), path.size()));
            cycle.add(step);
            return Optional.of(cycle);
        }
        mark.put(step, 1);
        path.add(step);
        for (String dependency : dependencies(step)) {
            Optional<List<String>> found = visit(dependency, mark, path);
            if (found.isPresent()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        mark.put(step, 2);
        return Optional.empty();
    }

    /** The steps by level: 0 for those without dependencies, then one more than the deepest dependency. */
    public List<List<String>> levels() {
        Map<String, Integer> level = new LinkedHashMap<>();
        for (String name : steps.keySet()) {
            levelOf(name, level);
        }
        int deepest = level.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        List<List<String>> levels = new ArrayList<>();
        for (int i = 0; i <= deepest; i++) {
            int at = i;
            levels.add(level.entrySet().stream().filter(e -> e.getValue() == at).map(Map.Entry::getKey).toList());
        }
        return levels;
    }

    private int levelOf(String name, Map<String, Integer> level) {
        Integer known = level.get(name);
        if (known != null) {
            return known;
        }
        level.put(name, 0); // a cycle (refused by the rules) ends here instead of looping
        int own = dependencies(name).stream().mapToInt(d -> levelOf(d, level) + 1).max().orElse(0);
        level.put(name, own);
        return own;
    }

    /**
     * The graph as text, a line per level, each step with {@code label}'s word for it (its state, say):
     * <pre>
     *   1  build [SUCCEEDED]
     *   2  test [RUNNING]  lint [SUCCEEDED]      after build
     *   3  package [WAITING]                     after test, lint
     * </pre>
     */
    public String draw(Function<String, String> label) {
        List<List<String>> levels = levels();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            String row = levels.get(i).stream().map(name -> {
                String word = label.apply(name);
                return word == null ? name : name + " [" + word + "]";
            }).collect(Collectors.joining("  "));
            Set<String> after = new LinkedHashSet<>();
            levels.get(i).forEach(name -> after.addAll(dependencies(name)));
            lines.add(String.format("%2d  %-40s %s", i + 1, row, after.isEmpty() ? "" : "after " + String.join(", ",
                after)).stripTrailing());
        }
        return String.join(System.lineSeparator(), lines);
    }
}
