package dev.ledger.client;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the events a client holds unresolved to {@code maxInFlightEvents}: a permit is taken per event before it
 * is queued and given back when its future completes, however it completes. This bound is what keeps every queue
 * of the client bounded. Thread-safe.
 */
final class Admission {

    private final Semaphore permits;
    private final int max;

    Admission(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Non-blocking: takes {@code n} permits or none. */
    boolean tryAdmit(int n) {
        return permits.tryAcquire(n);
    }

    /** Blocks up to {@code timeoutNanos} for {@code n} permits; false if the time ran out. */
    boolean admit(int n, long timeoutNanos) throws InterruptedException {
        return permits.tryAcquire(n, Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }

    void release(int n) {
        permits.release(n);
    }

    /** Events admitted and not yet resolved. */
    int outstanding() {
        return max - permits.availablePermits();
    }

    int max() {
        return max;
    }
}
