package io.kafkasas.ops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Horizontal bar charts as SVG files: no charting library, readable in any browser. */
final class Svg {

    /** One bar: its label, its value, and a colour group (0 ours, 1 the reference). */
    record Bar(String label, double value, int group) {
    }

    private static final String[] COLOURS = {"#3b7dd8", "#9aa5b1", "#e07b39"};
    private static final int LABEL_WIDTH = 260;
    private static final int BAR_SPACE = 460;
    private static final int ROW = 26;

    private Svg() {
    }

    static void bars(Path file, String title, String unit, List<Bar> bars) throws IOException {
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        int height = 50 + bars.size() * ROW + 20;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                + " font-size=\"13\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
            LABEL_WIDTH + BAR_SPACE + 120, height, escape(title)));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = 44 + i * ROW;
            int width = (int) Math.round(BAR_SPACE * bar.value() / (max == 0 ? 1 : max));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                LABEL_WIDTH - 8, y + 15, escape(bar.label())));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                LABEL_WIDTH, y, Math.max(1, width), ROW - 6, COLOURS[bar.group() % COLOURS.length]));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s %s</text>%n", LABEL_WIDTH + width + 6,
                y + 15, format(bar.value()), escape(unit)));
        }
        svg.append("</svg>\n");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
