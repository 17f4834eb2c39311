package dev.ledger.stress.report;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram, in microseconds. Immutable.
 */
public record LatencySummary(long count, double meanMicros, long p50Micros, long p90Micros, long p99Micros,
        long p999Micros, long maxMicros) {

    /** Summarises a histogram recorded in microseconds. */
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue());
    }

    /** {@code p50=1.23ms p90=... max=...}. */
    public String format() {
        return String.format("p50=%s p90=%s p99=%s p99.9=%s max=%s", ms(p50Micros), ms(p90Micros),
                ms(p99Micros), ms(p999Micros), ms(maxMicros));
    }

    /** Microseconds as milliseconds with three decimals, e.g. {@code 1.234ms}. */
    public static String ms(long micros) {
        return String.format("%.3fms", micros / 1000.0);
    }
}
