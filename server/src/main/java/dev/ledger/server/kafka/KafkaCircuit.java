package dev.ledger.server.kafka;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A small circuit breaker in front of the producer, so that with Kafka down events are answered UNAVAILABLE at
 * once instead of queueing until the ack timeout.
 *
 * <p>CLOSED: every send goes through. After {@code failureThreshold} consecutive failures (Kafka errors or ack
 * timeouts) it OPENs: sends are refused for {@code openMs}. Then one probe send is let through (HALF_OPEN); while
 * it is pending the others are still refused; a success anywhere closes the circuit, a failure opens it again.
 * A probe that has no outcome within {@code probeTimeoutMs} is replaced by a new one.
 *
 * <p>Thread-safe (lock-free): asked on event loops, fed from producer threads.
 */
public final class KafkaCircuit {

    private enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long openNanos;
    private final long probeTimeoutNanos;
    private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final LongSupplier nanoClock;
    private volatile long changedAtNanos;
    private volatile String lastFailure = "";
    /** When the last failure was reported (the clock's time), for readiness: see {@link KafkaReachability}. */
    private volatile long lastFailureNanos;

    public KafkaCircuit(int failureThreshold, long openMs, long probeTimeoutMs) {
        this(failureThreshold, openMs, probeTimeoutMs, System::nanoTime);
    }

    /** With a clock of its own ({@code System.nanoTime} in production), so tests can step through the periods. */
    KafkaCircuit(int failureThreshold, long openMs, long probeTimeoutMs, LongSupplier nanoClock) {
        this.failureThreshold = failureThreshold;
        this.openNanos = openMs * 1_000_000L;
        this.probeTimeoutNanos = probeTimeoutMs * 1_000_000L;
        this.nanoClock = nanoClock;
        this.changedAtNanos = nanoClock.getAsLong();
    }

    /** Whether a send may go to Kafka now. Never blocks. */
    public boolean allowSend() {
        State s = state.get();
        if (s == State.CLOSED) {
            return true;
        }
        long now = nanoClock.getAsLong();
        long waited = now - changedAtNanos;
        if (s == State.OPEN && waited >= openNanos && state.compareAndSet(State.OPEN, State.HALF_OPEN)) {
            changedAtNanos = now;
            return true;
        }
        if (s == State.HALF_OPEN && waited >= probeTimeoutNanos) {
            changedAtNanos = now;
            return true;
        }
        return false;
    }

    public void onSuccess() {
        consecutiveFailures.set(0);
        if (state.get() != State.CLOSED) {
            state.set(State.CLOSED);
        }
    }

    public void onFailure(String reason) {
        lastFailure = reason;
        lastFailureNanos = nanoClock.getAsLong();
        int failures = consecutiveFailures.incrementAndGet();
        State s = state.get();
        if (s == State.HALF_OPEN || s == State.CLOSED && failures >= failureThreshold) {
            changedAtNanos = nanoClock.getAsLong();
            state.set(State.OPEN);
        }
    }

    public boolean isOpen() {
        return state.get() != State.CLOSED;
    }

    /**
     * For readiness: whether the circuit refuses sends although Kafka's metadata was read by a probe begun at
     * {@code reachedAtNanos} (this clock's time). It does while not closed, if that probe began before the last
     * failure, or if the last failure is less than the open period ago (the next send would still be refused).
     */
    boolean refusesSince(long reachedAtNanos) {
        if (state.get() == State.CLOSED) {
            return false;
        }
        long last = lastFailureNanos;
        return last - reachedAtNanos >= 0 || nanoClock.getAsLong() - last < openNanos;
    }

    /** Reason given to refused events. */
    public String refusalReason() {
        return "Kafka unavailable (" + consecutiveFailures.get() + " consecutive failures, last: " + lastFailure
                + "); retry with the same event_id";
    }
}
