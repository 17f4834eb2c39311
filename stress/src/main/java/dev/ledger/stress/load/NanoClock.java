package dev.ledger.stress.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Monotonic time and waiting, behind an interface so the rate limiter can be tested with a fake clock.
 * Implementations are thread-safe.
 */
public interface NanoClock {

    /** Monotonic nanoseconds, like {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits until {@link #nanoTime()} reaches {@code deadlineNanos}; returns at once if already past. */
    void sleepUntil(long deadlineNanos);

    /**
     * The system clock. It only parks, never spins: at high rates the interval between events (20 µs at 50,000/s)
     * is shorter than a park, so a spinning driver would burn a whole core that the server and broker share on a
     * small machine. Parking wakes up late by some tens of microseconds; the events due by then go out at once,
     * and their lateness counts in their latency, measured from the intended time.
     */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            long remaining;
            while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(remaining);
            }
        }
    };
}
