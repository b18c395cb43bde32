package io.kafkasas.schemas.serde;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Avro records as JSON-ready maps for the HTTP APIs: fields in schema order, times ISO-8601, enums by name. */
public final class RecordViews {

    private RecordViews() {
    }

    public static Map<String, Object> of(SpecificRecord record) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            view.put(field.name(), value(record.get(field.pos())));
        }
        return view;
    }

    private static Object value(Object value) {
        if (value instanceof SpecificRecord nested) {
            return of(nested);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RecordViews::value).toList();
        }
        if (value instanceof Instant || value instanceof Enum<?> || value instanceof CharSequence) {
            return value.toString();
        }
        return value;
    }
}
