package io.kafkasas.ops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Bar charts and percentile curves as SVG files: no charting library, readable in any browser. */
final class Svg {

    /** One bar: its label, its value, and a colour group (0 ours, 1 the reference). */
    record Bar(String label, double value, int group) {
    }

    /** One curve: its label, its points (x, y), its colour group and whether it is dashed. */
    record Curve(String label, List<double[]> points, int group, boolean dashed) {
    }

    private static final String[] COLOURS = {"#3b7dd8", "#9aa5b1", "#e07b39", "#2e9e5b", "#8e44ad"};
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

    /**
     * Latency percentiles as curves, HdrHistogram style: a point is (percentile, latency); x is on a scale where each
     * step is ten times rarer (50, 90, 99, 99.9, 99.99), y on a log scale so that the floor and the tail both show.
     */
    static void percentiles(Path file, String title, String unit, List<Curve> curves) throws IOException {
        int left = 70;
        int top = 44;
        int width = 620;
        int height = 320;
        double maxX = rarity(99.99);
        double minY = curves.stream().flatMap(c -> c.points().stream()).mapToDouble(p -> p[1]).filter(v -> v > 0)
            .min().orElse(1);
        double maxY = curves.stream().flatMap(c -> c.points().stream()).mapToDouble(p -> p[1]).max().orElse(10);
        double lo = Math.floor(Math.log10(Math.max(minY, 0.1)));
        double hi = Math.ceil(Math.log10(Math.max(maxY, 1)));
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
            left + width + 260, top + height + 50, escape(title)));
        for (double decade = lo; decade <= hi; decade++) {
            double y = top + height - height * (decade - lo) / (hi - lo);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>%n", left, y, left + width, y, left - 6,
                y + 4, format(Math.pow(10, decade)), escape(unit)));
        }
        String[] ticks = {"50%", "90%", "99%", "99.9%", "99.99%"};
        for (int i = 0; i < ticks.length; i++) {
            double x = left + width * rarity(new double[] {50, 90, 99, 99.9, 99.99}[i]) / maxX;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, top, x, top + height, x,
                top + height + 18, ticks[i]));
        }
        for (int c = 0; c < curves.size(); c++) {
            Curve curve = curves.get(c);
            StringBuilder path = new StringBuilder();
            for (double[] point : curve.points()) {
                double x = left + width * rarity(point[0]) / maxX;
                double v = Math.log10(Math.max(point[1], Math.pow(10, lo)));
                double y = top + height - height * (v - lo) / (hi - lo);
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            }
            String colour = COLOURS[curve.group() % COLOURS.length];
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                path, colour, curve.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            int ly = top + 10 + c * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                + " stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n", left + width + 16, ly,
                left + width + 44, ly, colour, curve.dashed() ? " stroke-dasharray=\"6 4\"" : "", left + width + 50,
                ly + 4, escape(curve.label())));
        }
        svg.append("</svg>\n");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    /** How rare a latency at {@code percentile} is: 1 at 90 %, 2 at 99 %, 3 at 99.9 %. */
    private static double rarity(double percentile) {
        return Math.log10(100 / Math.max(100 - percentile, 1e-4));
    }

    static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
