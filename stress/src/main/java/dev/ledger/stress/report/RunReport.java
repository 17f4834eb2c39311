package dev.ledger.stress.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run: counts, throughput and latency. Immutable apart from the histogram, which the
 * producer of the report must not touch afterwards.
 *
 * @param name what ran, e.g. {@code run} or {@code bench:tcp}
 * @param mode {@code open-loop 50000/s} or {@code closed-loop window=2000}
 * @param durationNanos from the first send to the last completion
 * @param sent events handed to the SDK (or producer)
 * @param acked events acknowledged as durably stored
 * @param outcomes count per outcome: {@code ACCEPTED}, a status name, or an exception type
 * @param latency latency of acknowledged events (from intended send time in open loop)
 * @param intervals per-second samples
 * @param histogram the full latency histogram in microseconds
 * @param extra other figures worth keeping (SDK frame counts, CPU time)
 */
public record RunReport(String name, String mode, long durationNanos, long sent, long acked,
        Map<String, Long> outcomes, LatencySummary latency, List<IntervalSample> intervals, Histogram histogram,
        Map<String, Object> extra) {

    public RunReport {
        outcomes = Map.copyOf(new LinkedHashMap<>(outcomes));
        intervals = List.copyOf(intervals);
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Acknowledged events per second over the run. */
    public double throughputPerSecond() {
        return durationNanos <= 0 ? 0 : acked * 1e9 / durationNanos;
    }

    /** Events that did not end ACCEPTED. */
    public long failed() {
        return sent - acked;
    }

    /** A multi-line human-readable summary. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("== %s (%s) ==%n", name, mode));
        sb.append(String.format("duration     %.2f s%n", durationNanos / 1e9));
        sb.append(String.format("sent         %d%n", sent));
        sb.append(String.format("acked        %d%n", acked));
        outcomes.entrySet().stream().filter(e -> !"ACCEPTED".equals(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(String.format("  %s %-24s %d%n",
                        e.getKey().startsWith("decision:") ? "stored," : "failed", e.getKey(), e.getValue())));
        sb.append(String.format("throughput   %.0f events/s%n", throughputPerSecond()));
        sb.append(String.format("latency      %s%n", latency.format()));
        extra.forEach((k, v) -> sb.append(String.format("%-12s %s%n", k, v)));
        return sb.toString();
    }
}
