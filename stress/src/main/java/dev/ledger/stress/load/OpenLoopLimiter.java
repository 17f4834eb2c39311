package dev.ledger.stress.load;

/**
 * Paces an open-loop load: the i-th event is due at {@code start + i / rate}, whatever happened to earlier
 * events. {@link #acquire()} waits until the next event is due and returns its INTENDED send time; if the
 * caller fell behind (a stall, a GC pause, backpressure) it returns at once with the earlier intended time, so
 * latency measured from that time includes the stall instead of hiding it (no coordinated omission).
 *
 * <p>Not thread-safe: one driver thread owns a limiter.
 */
public final class OpenLoopLimiter {

    private final NanoClock clock;
    private final double intervalNanos;
    private long startNanos;
    private long issued;

    /**
     * @param ratePerSecond events per second, positive
     * @param clock time source
     */
    public OpenLoopLimiter(double ratePerSecond, NanoClock clock) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.clock = clock;
        this.intervalNanos = 1e9 / ratePerSecond;
        this.startNanos = clock.nanoTime();
    }

    /** Restarts the schedule now, e.g. after a warm-up or setup phase. */
    public void restart() {
        startNanos = clock.nanoTime();
        issued = 0;
    }

    /** Waits until the next event is due and returns its intended send time (clock nanoseconds). */
    public long acquire() {
        long intended = intendedNanos(issued);
        issued++;
        clock.sleepUntil(intended);
        return intended;
    }

    /** Intended send time of the event with this index (0-based). */
    public long intendedNanos(long index) {
        return startNanos + (long) (index * intervalNanos);
    }

    /** Permits issued since the start. */
    public long issued() {
        return issued;
    }
}
