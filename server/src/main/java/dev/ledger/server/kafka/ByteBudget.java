package dev.ledger.server.kafka;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A global cap on the bytes handed to the Kafka producer and not yet acknowledged, kept below the producer's
 * {@code buffer.memory} so that {@code send()} never has to wait for buffer space. Acquired on an event loop
 * before a send, released in the producer callback (also late ones, after the ack timeout answered the event).
 *
 * <p>It also drives read backpressure: above the high-water mark (half the capacity) connections stop reading
 * and register a callback with {@link #whenBelowLowWater}; releases that bring the use down to the low-water mark
 * (a quarter) run those callbacks. An event that does not fit at all is answered OVERLOADED by the writer.
 *
 * <p>Thread-safe (lock-free).
 */
public final class ByteBudget {

    private final long capacityBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    public ByteBudget(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Takes {@code bytes} if they fit; never blocks. */
    public boolean tryAcquire(long bytes) {
        long used;
        do {
            used = usedBytes.get();
            if (used + bytes > capacityBytes) {
                return false;
            }
        } while (!usedBytes.compareAndSet(used, used + bytes));
        return true;
    }

    public void release(long bytes) {
        long used = usedBytes.addAndGet(-bytes);
        if (used <= lowWaterBytes() && !waiters.isEmpty()) {
            runWaiters();
        }
    }

    /** True when connections should stop reading until the budget drains. */
    public boolean aboveHighWater() {
        return usedBytes.get() > capacityBytes / 2;
    }

    /**
     * Runs {@code callback} once the use is at or below the low-water mark: soon, from a releasing thread, or
     * right here if it already is. The callback must not block (typically it schedules work on an event loop).
     */
    public void whenBelowLowWater(Runnable callback) {
        waiters.add(callback);
        if (usedBytes.get() <= lowWaterBytes()) {
            runWaiters();
        }
    }

    private long lowWaterBytes() {
        return capacityBytes / 4;
    }

    private void runWaiters() {
        for (Runnable r = waiters.poll(); r != null; r = waiters.poll()) {
            r.run();
        }
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long capacityBytes() {
        return capacityBytes;
    }
}
