package io.kafkasas.schemas.registry;

import io.kafkasas.schemas.registry.SchemaRegistryException.ErrorCodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A schema registry held in memory, with the Confluent registry's semantics: global ids shared by identical
 * schemas across subjects, versions per subject, compatibility levels per subject over a global default
 * (BACKWARD), and the same errors.
 *
 * <p>It answers {@code mock://<scope>} URLs (the convention of Confluent's serdes in tests: one registry per
 * scope within a JVM), and it is the store behind the local stack's HTTP registry, which persists it through
 * a {@link Journal}.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    /** Receives every change, so a server can persist it and {@link #restore} it after a restart. */
    public interface Journal {
        void registered(RegisteredSchema schema);

        /** {@code subject} is null for the global level. */
        void compatibilitySet(String subject, CompatibilityLevel level);

        Journal NONE = new Journal() {
            @Override
            public void registered(RegisteredSchema schema) {
            }

            @Override
            public void compatibilitySet(String subject, CompatibilityLevel level) {
            }
        };
    }

    public static final String MOCK_SCHEME = "mock://";

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Journal journal;
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> versionsBySubject = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    public InMemorySchemaRegistry(Journal journal) {
        this.journal = journal;
    }

    public InMemorySchemaRegistry() {
        this(Journal.NONE);
    }

    /** The registry of a {@code mock://scope} URL, shared by every client in this JVM that names it. */
    public static InMemorySchemaRegistry forMockUrl(String url) {
        return SCOPES.computeIfAbsent(scopeOf(url), scope -> new InMemorySchemaRegistry());
    }

    /** Forgets a mock scope, so the next test that names it starts empty. */
    public static void dropScope(String url) {
        SCOPES.remove(scopeOf(url));
    }

    private static String scopeOf(String url) {
        if (!url.startsWith(MOCK_SCHEME)) {
            throw new IllegalArgumentException("Not a mock registry URL: '" + url + "' (expected mock://<scope>)");
        }
        return url.substring(MOCK_SCHEME.length());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, List.of());
        String canonical = schema.toString();
        for (RegisteredSchema existing : versions) {
            if (existing.schema().toString().equals(canonical)) {
                return existing.id();
            }
        }
        CompatibilityResult result = check(subject, schema);
        if (!result.compatible()) {
            throw new IncompatibleSchemaException("Schema being registered is incompatible with an earlier schema for "
                + "subject \"" + subject + "\" under " + compatibility(subject) + ": "
                + String.join("; ", result.messages()));
        }
        Integer id = idsByCanonicalForm.get(canonical);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        RegisteredSchema registered = new RegisteredSchema(subject, version, id == null ? nextId : id, schema);
        restore(registered);
        journal.registered(registered);
        return registered.id();
    }

    /** Puts back a schema exactly as it was registered (same id and version), without checks. */
    public synchronized void restore(RegisteredSchema registered) {
        schemasById.put(registered.id(), registered.schema());
        idsByCanonicalForm.put(registered.schema().toString(), registered.id());
        versionsBySubject.computeIfAbsent(registered.subject(), s -> new ArrayList<>()).add(registered);
        nextId = Math.max(nextId, registered.id() + 1);
    }

    /** Puts back a compatibility level; {@code subject} null for the global one. */
    public synchronized void restoreCompatibility(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            levelsBySubject.put(subject, level);
        }
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        String canonical = schema.toString();
        return versionsOf(subject).stream()
            .filter(r -> r.schema().toString().equals(canonical))
            .findFirst()
            .orElseThrow(() -> new SchemaNotFoundException("Schema not found under subject '" + subject + "'"));
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<RegisteredSchema> versions = versionsOf(subject);
        return versions.get(versions.size() - 1);
    }

    /** A given version of {@code subject}. */
    public synchronized RegisteredSchema version(String subject, int version) {
        return versionsOf(subject).stream()
            .filter(r -> r.version() == version)
            .findFirst()
            .orElseThrow(() -> new SubjectNotFoundException(ErrorCodes.VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'"));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return versionsOf(subject).stream().map(RegisteredSchema::version).toList();
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
        return check(subject, schema);
    }

    @Override
    public synchronized CompatibilityLevel compatibility(String subject) {
        return subject == null ? globalLevel : levelsBySubject.getOrDefault(subject, globalLevel);
    }

    /** The subject's own level, or {@link SubjectNotFoundException} (40408) if it has none. */
    public synchronized CompatibilityLevel ownCompatibility(String subject) {
        CompatibilityLevel level = levelsBySubject.get(subject);
        if (level == null) {
            throw new SubjectNotFoundException(ErrorCodes.SUBJECT_LEVEL_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        return level;
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        restoreCompatibility(subject, level);
        journal.compatibilitySet(subject, level);
    }

    /** Parses a schema string the way the registry does, mapping a parse error to 42201. */
    public static Schema parse(String schema) {
        try {
            return new Schema.Parser().parse(schema);
        } catch (SchemaParseException | NullPointerException e) {
            throw new InvalidSchemaException(ErrorCodes.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private List<RegisteredSchema> versionsOf(String subject) {
        List<RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException(ErrorCodes.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private CompatibilityResult check(String subject, Schema candidate) {
        List<RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, List.of());
        CompatibilityLevel level = compatibility(subject);
        List<Schema> earlier = versions.stream().map(RegisteredSchema::schema).toList();
        if (!level.transitive && !earlier.isEmpty()) {
            earlier = List.of(earlier.get(earlier.size() - 1));
        }
        return AvroCompatibility.check(level, candidate, earlier);
    }
}
