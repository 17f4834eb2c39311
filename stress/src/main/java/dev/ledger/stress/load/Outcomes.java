package dev.ledger.stress.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts events by outcome: {@code ACCEPTED}, a rejection status ({@code LedgerRejectedException:STATUS_INVALID})
 * or an exception type. Thread-safe; written from callback threads.
 */
public final class Outcomes {

    public static final String ACCEPTED = "ACCEPTED";

    private final LongAdder accepted = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one accepted event (the hot path: no map look-up). */
    public void accepted() {
        accepted.increment();
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
            return accepted.sum();
        }
        LongAdder a = counts.get(outcome);
        return a == null ? 0 : a.sum();
    }

    /** All outcomes, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        if (accepted.sum() > 0) {
            m.put(ACCEPTED, accepted.sum());
        }
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
