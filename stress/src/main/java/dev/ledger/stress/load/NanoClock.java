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

    /** The system clock: parks for long waits and spins for the last few tens of microseconds. */
    NanoClock SYSTEM = new NanoClock() {
        private static final long SPIN_NANOS = 50_000;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            long remaining;
            while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
                if (remaining > SPIN_NANOS) {
                    LockSupport.parkNanos(remaining - SPIN_NANOS);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    };
}
