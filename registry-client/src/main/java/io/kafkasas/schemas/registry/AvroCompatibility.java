package io.kafkasas.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Avro's reader/writer rules applied the way the registry's compatibility levels define them. */
final class AvroCompatibility {

    private AvroCompatibility() {
    }

    /** Checks {@code candidate} against {@code earlier} (the versions the level compares with, oldest first). */
    static CompatibilityResult check(CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
        List<String> messages = new ArrayList<>();
        for (Schema old : earlier) {
            if (level.newReadsOld) {
                describe(candidate, old, "the new schema cannot read data written with an earlier one", messages);
            }
            if (level.oldReadsNew) {
                describe(old, candidate, "an earlier schema cannot read data written with the new one", messages);
            }
        }
        return new CompatibilityResult(messages.isEmpty(), messages);
    }

    private static void describe(Schema reader, Schema writer, String what, List<String> messages) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            messages.add(what + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + " ("
                + incompatibility.getMessage() + ")" + hint(incompatibility));
        }
    }

    private static String hint(Incompatibility incompatibility) {
        return switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> " - give the new field a default value";
            case MISSING_ENUM_SYMBOLS -> " - give the enum a default symbol, or keep the removed symbols";
            case TYPE_MISMATCH -> " - never change a field's type; add a new field instead";
            default -> "";
        };
    }
}
