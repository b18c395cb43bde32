package io.kafkasas.schemas.requests;

import java.util.List;
import java.util.stream.Collectors;

/** A task request that breaks the rules ({@link RequestValidator}): every problem, each with its field. */
public final class InvalidTaskRequestException extends IllegalArgumentException {

    private final transient List<Violation> violations;

    public InvalidTaskRequestException(List<Violation> violations) {
        super("Invalid task request: " + violations.size() + " problem(s): " + violations.stream()
            .map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
