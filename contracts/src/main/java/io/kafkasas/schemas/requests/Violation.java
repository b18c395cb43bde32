package io.kafkasas.schemas.requests;

/** One thing wrong with a task request: the field (as named in the JSON API and the schema) and why. */
public record Violation(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
