package dev.ledger.stress.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects per-event latencies (microsecond resolution, up to one hour) and per-interval snapshots for the
 * progress line and the latency-over-time chart.
 *
 * <p>Thread-safety: {@link #recordNanos} and {@link #recordError} may be called from any thread, including
 * SDK callback threads (HdrHistogram's {@link Recorder} is wait-free for writers). {@link #closeInterval} and
 * the accessors are meant for one reporting thread.
 */
public final class LatencyRecorder {

    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private final LongAdder intervalErrors = new LongAdder();
    private final List<IntervalSample> intervals = new ArrayList<>();
    private Histogram recycled;

    /** Records one completed event's latency. */
    public void recordNanos(long latencyNanos) {
        long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNanos));
        recorder.recordValue(Math.min(micros, MAX_MICROS));
    }

    /** Counts one failed event in the current interval. */
    public void recordError() {
        intervalErrors.increment();
    }

    /**
     * Ends the current interval: folds it into the total and returns its sample.
     *
     * @param elapsedSeconds seconds since the run started, the interval's label
     * @param intervalNanos the interval's real length, for the rate
     */
    public IntervalSample closeInterval(double elapsedSeconds, long intervalNanos) {
        Histogram h = recorder.getIntervalHistogram(recycled);
        recycled = h;
        total.add(h);
        long errors = intervalErrors.sumThenReset();
        double seconds = Math.max(1e-9, intervalNanos / 1e9);
        IntervalSample s = new IntervalSample(elapsedSeconds, h.getTotalCount(), h.getTotalCount() / seconds,
                micros(h, 50), micros(h, 99), h.getTotalCount() == 0 ? 0 : h.getMaxValue(), errors);
        intervals.add(s);
        return s;
    }

    /** The histogram of every interval closed so far. */
    public Histogram total() {
        return total;
    }

    public List<IntervalSample> intervals() {
        return List.copyOf(intervals);
    }

    private static long micros(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
    }
}
