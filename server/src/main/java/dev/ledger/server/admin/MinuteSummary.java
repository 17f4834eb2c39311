package dev.ledger.server.admin;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per period (a minute in production) read back from {@link ServerMetrics}: events per second answered,
 * events by status, connection errors by code and the p99 of the Submit duration, all over the last period only.
 * Never a line per event. The logger is {@code ledger.summary}, so operators can route or silence it.
 *
 * <p>Not thread-safe: run by one scheduled thread (the server's Kafka maintenance thread).
 */
public final class MinuteSummary implements Runnable {

    private static final Logger log = LoggerFactory.getLogger("ledger.summary");

    private final ServerMetrics metrics;
    private final IntSupplier connections;
    private Map<String, Long> lastEvents = Map.of();
    private Map<String, Long> lastErrors = Map.of();
    private long[] lastBuckets;
    private long lastNanos = System.nanoTime();

    public MinuteSummary(ServerMetrics metrics, IntSupplier connections) {
        this.metrics = metrics;
        this.connections = connections;
        this.lastBuckets = cumulative(metrics.submitBuckets());
    }

    @Override
    public void run() {
        log.info(line());
    }

    /** The summary of the period since the last call, and starts the next period. */
    String line() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        Map<String, Long> events = metrics.eventsByStatus();
        Map<String, Long> errors = metrics.connectionErrorsByCode();
        Map<String, Long> eventDelta = delta(events, lastEvents);
        Map<String, Long> errorDelta = delta(errors, lastErrors);
        ClassicHistogramBuckets buckets = metrics.submitBuckets();
        long[] now99 = cumulative(buckets);
        long total = eventDelta.values().stream().mapToLong(Long::longValue).sum();
        String line = String.format(java.util.Locale.ROOT,
                "last %.0f s: %.1f events/s answered %s, connection errors %s, submit p99 %s, connections %d",
                seconds, total / seconds, eventDelta, errorDelta, p99(buckets, now99, lastBuckets),
                connections.getAsInt());
        lastEvents = events;
        lastErrors = errors;
        lastBuckets = now99;
        lastNanos = now;
        return line;
    }

    private static Map<String, Long> delta(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        now.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static long[] cumulative(ClassicHistogramBuckets buckets) {
        long[] out = new long[buckets.size()];
        long sum = 0;
        for (int i = 0; i < buckets.size(); i++) {
            sum += buckets.getCount(i);
            out[i] = sum;
        }
        return out;
    }

    /** The upper bound of the bucket holding the 99th percentile of this period's Submits, or "n/a". */
    private static String p99(ClassicHistogramBuckets buckets, long[] now, long[] before) {
        int n = now.length;
        long count = now[n - 1] - before[n - 1];
        if (count == 0) {
            return "n/a";
        }
        long rank = (long) Math.ceil(count * 0.99);
        for (int i = 0; i < n; i++) {
            if (now[i] - before[i] >= rank) {
                double bound = buckets.getUpperBound(i);
                return Double.isInfinite(bound) ? "> " + (long) (buckets.getUpperBound(n - 2) * 1000) + " ms"
                        : "<= " + (bound * 1000 < 1 ? String.valueOf(bound * 1000) : String.valueOf((long) (bound * 1000)))
                                + " ms";
            }
        }
        return "n/a";
    }
}
