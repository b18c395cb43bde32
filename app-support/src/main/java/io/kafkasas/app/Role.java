package io.kafkasas.app;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an HTTP caller may do. A token carries one or more roles; none implies another. */
public enum Role {
    /** Submit tasks ({@code POST /tasks}). */
    SUBMIT,
    /** Change what runs: cancel tasks, drain or restart agents. */
    OPERATE,
    /** Read state: tasks, agents, hosts, metrics, the API description. */
    READ;

    /** The role as written in token files: {@code submit}, {@code operate}, {@code read}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code word}; {@link IllegalArgumentException} naming the known ones otherwise. */
    public static Role of(String word) {
        for (Role role : values()) {
            if (role.word().equals(word)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + word + "' (known: " + Arrays.stream(values())
            .map(Role::word).collect(Collectors.joining(", ")) + ")");
    }
}
