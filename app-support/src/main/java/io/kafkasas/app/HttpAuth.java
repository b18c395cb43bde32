package io.kafkasas.app;

import io.kafkasas.schemas.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call an app's HTTP endpoints: bearer tokens, each with a name (the only part ever logged) and roles.
 * Tokens come from {@value #TOKENS_FILE} (re-read when it changes, as a mounted Kubernetes Secret does) and from
 * {@value #TOKENS} (an environment variable); each entry is {@code <name> <role>[,<role>...] <token>}. Only a
 * digest of each token is kept.
 */
public final class HttpAuth {

    public static final String REQUIRED = "http.auth.required";
    public static final String TOKENS = "http.auth.tokens";
    public static final String TOKENS_FILE = "http.auth.tokens.file";
    public static final String CLIENT_TOKEN = "http.auth.client.token";
    /** Shorter tokens are refused: a token must not be guessable. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final Logger LOG = LoggerFactory.getLogger(HttpAuth.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e&&[^;,]]+");
    private static final Pattern ENTRIES = Pattern.compile("[;\\n]");
    private static final long FILE_CHECK_NANOS = 1_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who called: the token's name and its roles. */
    public record Caller(String name, Set<Role> roles) {
    }

    /** A check's outcome: the caller, or the status (401 or 403) and reason to refuse with. */
    public record Verdict(Caller caller, int status, String reason) {

        public boolean allowed() {
            return caller != null;
        }
    }

    /** The caller when authentication is off. */
    public static final Caller ANYONE = new Caller("anonymous", EnumSet.allOf(Role.class));

    private final boolean required;
    private final Map<String, Caller> inline;
    private final Path file;
    private final String clientToken;
    private volatile Map<String, Caller> fromFile = Map.of();
    private volatile FileTime fileVersion;
    private volatile long fileCheckedAt;

    private HttpAuth(boolean required, Map<String, Caller> inline, Path file, String clientToken) {
        this.required = required;
        this.inline = inline;
        this.file = file;
        this.clientToken = clientToken;
    }

    /** No authentication: every caller may do everything (a trusted network, or a test). */
    public static HttpAuth none() {
        return new HttpAuth(false, Map.of(), null, null);
    }

    /**
     * From settings: {@code tokens} (entries separated by {@code ;} or new lines, may be null), {@code file} (may
     * be null) and the {@code clientToken} this app sends to other instances (may be null).
     * {@link IllegalArgumentException} says which entry is malformed, never printing a token.
     */
    public static HttpAuth of(boolean required, String tokens, Path file, String clientToken) {
        Map<String, Caller> inline = parse(tokens == null ? List.of() : List.of(ENTRIES.split(tokens)), TOKENS);
        if (clientToken != null && (clientToken.length() < MIN_TOKEN_LENGTH || !TOKEN.matcher(clientToken)
            .matches())) {
            throw new IllegalArgumentException(CLIENT_TOKEN + " must be at least " + MIN_TOKEN_LENGTH
                + " visible ASCII characters without ';' or ','");
        }
        HttpAuth auth = new HttpAuth(required, inline, file, clientToken);
        if (file != null) {
            auth.fromFile = readFile(file);
            auth.fileVersion = modified(file);
            auth.fileCheckedAt = System.nanoTime();
        }
        if (required && auth.tokenCount() == 0) {
            LOG.warn("HTTP authentication is required ({}) but no token is configured ({} or {}): every request"
                + " but /health will be refused", REQUIRED, TOKENS_FILE, TOKENS);
        }
        return auth;
    }

    /** A new random token: 32 bytes, URL-safe Base64. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** One entry as {@value #TOKENS_FILE} and {@value #TOKENS} hold it. */
    public static String entry(String name, Set<Role> roles, String token) {
        return name + " " + roles.stream().map(Role::word).collect(Collectors.joining(",")) + " " + token;
    }

    /** The {@code Authorization} header this app sends to other instances, or null when it has no token. */
    public String clientAuthorization() {
        return clientToken == null ? null : Wire.bearer(clientToken);
    }

    /** Whether calls need a token (false: everyone may do everything). */
    public boolean required() {
        return required;
    }

    /** Whether a caller of {@code authorization} (the header, may be null) may do {@code what}, which needs role. */
    public Verdict check(String authorization, Role role, String what) {
        if (!required) {
            return new Verdict(ANYONE, 200, null);
        }
        if (authorization == null || authorization.isBlank()) {
            return refuse(401, "No credential: send 'Authorization: Bearer <token>'" + (tokenCount() == 0
                ? "; this server has no token configured (" + TOKENS_FILE + " or " + TOKENS + ")" : ""));
        }
        if (!authorization.regionMatches(true, 0, Wire.BEARER, 0, Wire.BEARER.length())) {
            return refuse(401, "Only bearer tokens are accepted: 'Authorization: Bearer <token>'");
        }
        String digest = digest(authorization.substring(Wire.BEARER.length()).strip());
        Caller caller = inline.get(digest);
        if (caller == null) {
            caller = currentFile().get(digest);
        }
        if (caller == null) {
            return refuse(401, "The bearer token is not known here");
        }
        if (!caller.roles().contains(role)) {
            return refuse(403, "'" + caller.name() + "' may not " + what + ": that needs the role '" + role.word()
                + "'; it has " + caller.roles().stream().map(Role::word).collect(Collectors.joining(", ")));
        }
        return new Verdict(caller, 200, null);
    }

    private static Verdict refuse(int status, String reason) {
        return new Verdict(null, status, reason);
    }

    private int tokenCount() {
        return inline.size() + fromFile.size();
    }

    /** The file's tokens, re-read at most once a second when the file changed; a broken file keeps the old ones. */
    private Map<String, Caller> currentFile() {
        if (file == null || System.nanoTime() - fileCheckedAt < FILE_CHECK_NANOS) {
            return fromFile;
        }
        synchronized (this) {
            if (System.nanoTime() - fileCheckedAt >= FILE_CHECK_NANOS) {
                fileCheckedAt = System.nanoTime();
                try {
                    FileTime now = modified(file);
                    if (!now.equals(fileVersion)) {
                        fromFile = readFile(file);
                        fileVersion = now;
                        LOG.info("Read {} HTTP token(s) from {}", fromFile.size(), file);
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warn("Kept the previous HTTP tokens: {}", e.getMessage());
                }
            }
        }
        return fromFile;
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(TOKENS_FILE + " " + file + " cannot be read: " + e);
        }
    }

    private static Map<String, Caller> readFile(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), TOKENS_FILE + " " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException(TOKENS_FILE + " " + file + " cannot be read: " + e);
        }
    }

    private static Map<String, Caller> parse(List<String> entries, String source) {
        Map<String, Caller> callers = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String where = source + " entry " + (i + 1);
            String[] parts = entry.split("\\s+");
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + " must be '<name> <role>[,<role>...] <token>'");
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + ": the name must be 1-100 of A-Z a-z 0-9 . _ @ -");
            }
            if (parts[2].length() < MIN_TOKEN_LENGTH || !TOKEN.matcher(parts[2]).matches()) {
                throw new IllegalArgumentException(where + " ('" + parts[0] + "'): the token must be at least "
                    + MIN_TOKEN_LENGTH + " visible ASCII characters without ';' or ','");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String word : parts[1].split(",")) {
                try {
                    roles.add(Role.of(word));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + " ('" + parts[0] + "'): " + e.getMessage());
                }
            }
            if (callers.put(digest(parts[2]), new Caller(parts[0], Collections.unmodifiableSet(roles))) != null) {
                throw new IllegalArgumentException(where + " ('" + parts[0] + "'): the same token is given twice");
            }
        }
        return Map.copyOf(callers);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "HttpAuth[required=" + required + ", tokens=" + tokenCount() + ", file=" + file + "]";
    }
}
