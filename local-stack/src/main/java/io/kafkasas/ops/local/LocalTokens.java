package io.kafkasas.ops.local;

import io.kafkasas.app.HttpAuth;
import io.kafkasas.app.Role;
import io.kafkasas.ctl.CtlConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The local stack's HTTP credentials, made afresh at every start: {@code <dir>/http-tokens} (only its owner may read
 * it) holds an operator token with every role, a read-only one for monitoring, and the supervisor's own for the
 * queries it forwards to its other instances.
 */
public final class LocalTokens {

    /** The tokens file in the stack's directory. */
    public static final String FILE = "http-tokens";

    private LocalTokens() {
    }

    /**
     * Writes the file and returns the settings that use it: the apps accept its tokens, the supervisor sends its
     * own, sasctl (and the stack's tools) the operator's.
     */
    static Map<String, String> create(Path dir) {
        String operator = HttpAuth.newToken();
        String supervisor = HttpAuth.newToken();
        Path file = dir.resolve(FILE).toAbsolutePath();
        String content = "# kafka-sas local stack: HTTP tokens, '<name> <roles> <token>'\n"
            + HttpAuth.entry("operator", EnumSet.allOf(Role.class), operator) + "\n"
            + HttpAuth.entry("monitoring", Set.of(Role.READ), HttpAuth.newToken()) + "\n"
            + HttpAuth.entry("supervisor", Set.of(Role.READ), supervisor) + "\n";
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return Map.of(HttpAuth.TOKENS_FILE, file.toString(), HttpAuth.CLIENT_TOKEN, supervisor,
            CtlConfig.TOKEN, operator);
    }
}
