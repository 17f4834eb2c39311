package dev.ledger.stress.load;

/**
 * The pauses between offers of one event that the SDK refused with backpressure: starting at
 * {@link #FIRST_NANOS}, doubling up to {@link #MAX_NANOS}, and none that would end at or after the event's deadline
 * (its intended send time plus the request timeout). Past that point the event is given up with its last
 * backpressure failure, so a full SDK costs at most about log2(MAX / FIRST) + timeout / MAX + 1 offers per event
 * instead of one every 50 µs for as long as the SDK stays full.
 *
 * <p>Pure logic; not thread-safe (one per event, on the driver thread).
 */
final class BackpressurePause {

    static final long FIRST_NANOS = 50_000;
    static final long MAX_NANOS = 1_000_000;
    /** {@link #nextPauseNanos}: no pause ends before the deadline; give the event up. */
    static final long GIVE_UP = -1;

    private final long deadlineNanos;
    private long next = FIRST_NANOS;

    BackpressurePause(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    /** @return how long to pause before the next offer, or {@link #GIVE_UP} */
    long nextPauseNanos(long nowNanos) {
        long pause = next;
        if (deadlineNanos - nowNanos <= pause) {
            return GIVE_UP;
        }
        next = Math.min(MAX_NANOS, next * 2);
        return pause;
    }
}
