package dev.ledger.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with "equal jitter": attempt {@code n} (0-based) waits between half and all of
 * {@code min(max, initial * 2^n)}, so retries from many clients spread out but never shrink to zero. Used both for
 * resending events and for reconnecting to an endpoint.
 *
 * <p>Immutable and thread-safe.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;

    Backoff(long initialNanos, long maxNanos) {
        if (initialNanos <= 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initialNanos + ", " + maxNanos);
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
    }

    /** @return the delay before attempt {@code attempt} (0-based), randomised */
    long delayNanos(int attempt) {
        return delayNanos(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The most attempts that can start within {@code windowNanos} of the first when each one waits its backoff
     * after the previous: the first attempt, plus one per delay that ends before the window does, every jittered
     * delay taken at its shortest (half the capped delay). This is the bound on sends per event that
     * docs/CLIENT.md states: about log2(max / initial) + 2 * window / max + 2 at most, and about
     * log2(window / initial) + window / max + 2 with the jitter's average.
     */
    int mostSendsWithin(long windowNanos) {
        long elapsed = 0;
        int sends = 1;
        for (int attempt = 0; ; attempt++) {
            long shortest = delayNanos(attempt, 0.0);
            if (shortest == delayNanos(attempt + 1, 0.0)) {
                // capped from here on: the rest of the window holds whole shortest delays
                long left = windowNanos - elapsed;
                return left <= 0 ? sends : (int) Math.min(Integer.MAX_VALUE, sends + (left - 1) / shortest);
            }
            elapsed += shortest;
            if (elapsed >= windowNanos) {
                return sends;
            }
            sends++;
        }
    }

    /** @param random01 a number in [0, 1); the jittered share of the capped delay */
    long delayNanos(int attempt, double random01) {
        long capped = initialNanos;
        for (int i = 0; i < attempt && capped < maxNanos; i++) {
            capped = capped > maxNanos / 2 ? maxNanos : capped * 2;
        }
        capped = Math.min(capped, maxNanos);
        long half = capped / 2;
        return capped - half + (long) (half * random01);
    }
}
