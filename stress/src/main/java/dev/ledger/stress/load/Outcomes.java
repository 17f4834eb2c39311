package dev.ledger.stress.load;

import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts events by outcome: {@code ACCEPTED}, a rejection status ({@code LedgerRejectedException:STATUS_INVALID})
 * or an exception type. Thread-safe; written from callback threads.
 *
 * <p>Accepted events, one per event on the SDK's I/O threads, are counted per thread: each thread adds to its own
 * counter with a plain store, so the threads never write a shared cache line (a shared {@link LongAdder} cost 7% of
 * the driver's CPU in a profile of two I/O threads). A reader sums the counters; a count is seen by whoever sees
 * the event's completion (it is made before), and is never torn.
 */
public final class Outcomes {

    public static final String ACCEPTED = "ACCEPTED";

    /** Every thread's accepted counter; each is written by its own thread only. */
    private final Queue<AtomicLong> acceptedByThread = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<AtomicLong> accepted = ThreadLocal.withInitial(() -> {
        AtomicLong mine = new AtomicLong();
        acceptedByThread.add(mine);
        return mine;
    });
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one accepted event (the hot path: no map look-up, no atomic add). */
    public void accepted() {
        AtomicLong mine = accepted.get();
        mine.setOpaque(mine.getPlain() + 1); // one writer: this thread
    }

    private long acceptedSum() {
        long sum = 0;
        for (AtomicLong count : acceptedByThread) {
            sum += count.getOpaque();
        }
        return sum;
    }

    public void add(String outcome) {
        if (ACCEPTED.equals(outcome)) {
            accepted();
        } else {
            counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }
    }

    public long get(String outcome) {
        if (ACCEPTED.equals(outcome)) {
            return acceptedSum();
        }
        LongAdder a = counts.get(outcome);
        return a == null ? 0 : a.sum();
    }

    /** All outcomes, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        long accepted = acceptedSum();
        if (accepted > 0) {
            m.put(ACCEPTED, accepted);
        }
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
