package io.kafkasas.schemas.registry;

import java.util.List;

/** Whether a schema may be registered, and if not, one message per incompatibility. */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
