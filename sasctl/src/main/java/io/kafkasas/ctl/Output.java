package io.kafkasas.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --output table|json}, and the two ways of printing: aligned columns for people, JSON for scripts. */
public final class Output {

    /** The formats. */
    public enum Format { table, json }

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINES = new ObjectMapper();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
        description = "table (default) or json; json is stable for scripts.")
    Format format = Format.table;

    public boolean json() {
        return format == Format.json;
    }

    /** {@code value} as indented JSON. */
    public static void printJson(PrintWriter out, Object value) {
        out.println(write(JSON, value));
        out.flush();
    }

    /** {@code value} as one line of JSON (for streams of events). */
    public static void printJsonLine(PrintWriter out, Object value) {
        out.println(write(JSON_LINES, value));
        out.flush();
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Columns padded to their widest cell; null cells print as "-". */
    public static final class Table {

        private final List<String[]> rows = new ArrayList<>();

        public Table(String... headers) {
            rows.add(headers);
        }

        public Table row(Object... cells) {
            String[] row = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = cells[i] == null ? "-" : cells[i].toString();
            }
            rows.add(row);
            return this;
        }

        public void print(PrintWriter out) {
            int columns = rows.get(0).length;
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(i == columns - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
