package io.kafkasas.schemas;

import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * The generated contract classes ({@code io.kafkasas.avro}) and what they need at run time.
 *
 * <p>Avro 1.12 refuses to instantiate classes named by a schema unless they are trusted (a guard against schemas
 * that name arbitrary classes). The generated contract classes in {@code io.kafkasas.avro} are ours, so they are
 * added to whatever the JVM already trusts; nothing else is. Other record classes are trusted the Avro way
 * ({@code org.apache.avro.SERIALIZABLE_PACKAGES}). The serdes trust them by using {@link #model()}; code that
 * builds contract records before it creates a serde (a builder fills enum defaults) calls {@link #trust()} first.
 */
public final class Contracts {

    public static final String CONTRACT_PACKAGE = "io.kafkasas.avro";

    static {
        ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(new ClassSecurityPredicate() {
            @Override
            public boolean isTrusted(Class<?> type) {
                return CONTRACT_PACKAGE.equals(type.getPackageName()) || previous.isTrusted(type);
            }

            @Override
            public void forbiddenClass(String className) {
                previous.forbiddenClass(className);
            }
        });
    }

    private static final SpecificData MODEL = new SpecificData(Contracts.class.getClassLoader());

    static {
        // the one logical type the contracts use (timestamp_ms), registered once for records nested at any depth:
        // each generated class's own model misses those of the records inside its unions and arrays
        MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    private Contracts() {
    }

    /** The Avro data model the serdes read and write with. */
    public static SpecificData model() {
        return MODEL;
    }

    /** Makes sure the contract classes are trusted (class initialisation runs once). */
    public static void trust() {
        // the static initialiser does the work
    }
}
