package dev.ledger.client;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Generates event ids: UUID version 7 strings (RFC 9562), time-ordered so that Kafka keys and downstream logs sort
 * by creation time. The 48-bit Unix-millisecond timestamp is followed by a 12-bit counter (RFC 9562 method 1), so
 * ids from one JVM are strictly increasing even within one millisecond and across threads; the remaining 62 bits
 * are random, so ids from different JVMs do not collide.
 *
 * <p>Thread-safe and lock-free.
 */
public final class EventIds {

    private static final EventIds SHARED = new EventIds(System::currentTimeMillis);

    /** (unixMillis << 12) | counter of the last id handed out. */
    private final AtomicLong lastTimeAndCounter = new AtomicLong();
    private final LongSupplier clockMillis;

    EventIds(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /**
     * Returns a new UUIDv7 string such as {@code 0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e}.
     *
     * @return a fresh id, greater (as a string and as a UUID) than every id this JVM generated before
     */
    public static String next() {
        return SHARED.nextId();
    }

    String nextId() {
        long candidate = clockMillis.getAsLong() << 12;
        long prev;
        long chosen;
        do {
            prev = lastTimeAndCounter.get();
            // Same millisecond (or a clock step back): count on from the last id; past 4095 it borrows the next ms.
            chosen = Math.max(candidate, prev + 1);
        } while (!lastTimeAndCounter.compareAndSet(prev, chosen));
        long unixMillis = chosen >>> 12;
        long counter = chosen & 0xFFF;
        long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
