package io.kafkasas.schemas.config;

import java.util.List;

/** The configuration is wrong; the message lists every problem at once, each with the key and what to do. */
public final class ConfigProblemsException extends IllegalArgumentException {

    private final List<String> problems;

    public ConfigProblemsException(List<String> problems) {
        super("Invalid configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
            + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
