package io.kafkasas.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges Prometheus text expositions (format 0.0.4) into one, as a process that speaks for others must (an agent
 * host for its agents): each metric family appears once, with its HELP and TYPE, and all its samples together;
 * the samples of each other source get a label that tells them apart. Concatenating the texts instead would repeat
 * TYPE lines, which Prometheus refuses.
 */
public final class PrometheusText {

    /** Another process's exposition, its samples to be labelled {@code label="value"}. */
    public record Source(String label, String value, String text) {
    }

    private static final class Family {
        String help;
        String type;
        final List<String> samples = new ArrayList<>();
    }

    private PrometheusText() {
    }

    /** {@code own} (unchanged) and {@code others} (labelled) as one exposition. */
    public static String merge(String own, List<Source> others) {
        Map<String, Family> families = new LinkedHashMap<>();
        add(families, own, null);
        others.forEach(source -> add(families, source.text(), source.label() + "=\"" + escape(source.value()) + "\""));
        StringBuilder out = new StringBuilder();
        families.forEach((name, family) -> {
            if (family.help != null) {
                out.append("# HELP ").append(name).append(' ').append(family.help).append('\n');
            }
            if (family.type != null) {
                out.append("# TYPE ").append(name).append(' ').append(family.type).append('\n');
            }
            family.samples.forEach(s -> out.append(s).append('\n'));
        });
        return out.toString();
    }

    private static void add(Map<String, Family> families, String text, String label) {
        String current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                current = parts[2];
                Family family = families.computeIfAbsent(current, n -> new Family());
                String rest = parts.length > 3 ? parts[3] : "";
                if (parts[1].equals("HELP") && family.help == null) {
                    family.help = rest;
                } else if (parts[1].equals("TYPE") && family.type == null) {
                    family.type = rest;
                }
            } else if (!line.startsWith("#")) {
                String name = line.split("[{ ]", 2)[0];
                // a histogram's or summary's _bucket, _sum and _count belong to the family declared above them
                String family = current != null && name.startsWith(current) ? current : name;
                families.computeIfAbsent(family, n -> new Family()).samples.add(label == null ? line
                    : withLabel(line, name, label));
            }
        }
    }

    private static String withLabel(String sample, String name, String label) {
        String rest = sample.substring(name.length());
        return rest.startsWith("{") ? name + "{" + label + (rest.startsWith("{}") ? "" : ",") + rest.substring(1)
            : name + "{" + label + "}" + rest;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
