package dev.ledger.server.security;

/**
 * A token bucket: {@code ratePerSecond} events per second on average, bursts of up to one second's worth. Shared
 * by every connection of one principal, so it holds across connections and servers' event loops.
 *
 * <p>Thread-safe (a short synchronized section; it never waits).
 */
final class RateLimiter {

    private final long ratePerSecond;
    private final long nanosPerEvent;
    private final long burstNanos;
    /** The time at which the bucket is empty again: tokens = (now - this) / nanosPerEvent, capped by the burst. */
    private long emptyAtNanos;

    RateLimiter(long ratePerSecond) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("ratePerSecond must be >= 1: " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.nanosPerEvent = Math.max(1, 1_000_000_000L / ratePerSecond);
        this.burstNanos = nanosPerEvent * ratePerSecond;
        this.emptyAtNanos = System.nanoTime() - burstNanos;
    }

    long ratePerSecond() {
        return ratePerSecond;
    }

    boolean tryAcquire() {
        return tryAcquire(System.nanoTime());
    }

    synchronized boolean tryAcquire(long nowNanos) {
        long start = Math.max(emptyAtNanos, nowNanos - burstNanos);
        if (nowNanos - start < nanosPerEvent) {
            return false;
        }
        emptyAtNanos = start + nanosPerEvent;
        return true;
    }
}
