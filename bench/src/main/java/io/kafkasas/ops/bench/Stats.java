package io.kafkasas.ops.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** Medians and percentiles of the few figures a benchmark collects (nearest rank; no interpolation). */
final class Stats {

    private Stats() {
    }

    static <T> double median(List<T> values, ToDoubleFunction<T> of) {
        double[] sorted = values.stream().mapToDouble(of).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** The smallest value at or above which {@code percent} % of the values lie; NaN for none. */
    static double percentile(List<Long> values, double percent) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A percentile of a histogram of microseconds, in milliseconds. */
    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** p50, p90, p99, p99.9 and the maximum of a histogram of microseconds, in milliseconds. */
    static Map<String, Double> percentiles(Histogram h) {
        Map<String, Double> p = new LinkedHashMap<>();
        for (double q : new double[] {50, 90, 99, 99.9, 100}) {
            p.put("p" + Svg.format(q), ms(h, q));
        }
        return p;
    }
}
