package dev.ledger.server.kafka;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A global cap on the bytes handed to the Kafka producer and not yet acknowledged, kept below the producer's
 * {@code buffer.memory} so that {@code send()} never has to wait for buffer space. Acquired on an event loop
 * before a send, released in the producer callback (also late ones, after the ack timeout answered the event).
 *
 * <p>Thread-safe (lock-free).
 */
public final class ByteBudget {

    private final long capacityBytes;
    private final AtomicLong usedBytes = new AtomicLong();

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
        usedBytes.addAndGet(-bytes);
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long capacityBytes() {
        return capacityBytes;
    }
}
