package io.kafkasas.schemas.registry;

import java.io.Closeable;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that kafka-sas uses. Confluent Schema Registry,
 * Apicurio (ccompat API), Karapace, Redpanda, the local stack's registry and the in-memory registry
 * for {@code mock://} URLs all answer it.
 *
 * <p>Every method throws a {@link SchemaRegistryException} subclass that says what went wrong.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Where {@code schema} is registered under {@code subject}; {@link SchemaNotFoundException} if not. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The newest version under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** Every subject. */
    List<String> subjects();

    /** Every version number under {@code subject}. */
    List<Integer> versions(String subject);

    /** Whether {@code schema} could be registered under {@code subject}, with the reasons if not. */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** The level in force for {@code subject}: its own, or else the global one. */
    CompatibilityLevel compatibility(String subject);

    /** Sets the level of {@code subject}; {@code null} sets the global level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    @Override
    default void close() {
        // most implementations hold nothing that needs closing
    }
}
