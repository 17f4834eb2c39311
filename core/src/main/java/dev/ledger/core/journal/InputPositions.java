package dev.ledger.core.journal;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the mutations input stands, as the committed journal says: for each mutation partition, the offset after the
 * last mutation record that has a decision. Every mutation record gets exactly one decision, and each decision names
 * its record's partition and offset, so the journal itself holds the input position, committed in the same
 * transactions as the decisions. The core resumes from here (see docs/CORE.md); the consumer group's offsets, sent in
 * a transaction only now and then, are for monitoring and never ahead of this.
 *
 * <p>Built from a snapshot's positions, then moved forward by every decision folded from the journal or decided.
 * Not thread-safe: used by the core loop's thread.
 */
final class InputPositions {

    private final Map<Integer, Long> next = new HashMap<>();

    /** Starts from a snapshot's mutation positions (next offset per partition), or from nothing. */
    InputPositions(Map<Integer, Long> fromSnapshot) {
        next.putAll(fromSnapshot);
    }

    /** The record at {@code offset} of {@code partition} has a decision. */
    void decided(int partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    /** The offset after the last decided record of {@code partition}, or -1 when none is known. */
    long next(int partition) {
        Long n = next.get(partition);
        return n == null ? -1 : n;
    }

    /** A copy of every known position. */
    Map<Integer, Long> all() {
        return Map.copyOf(next);
    }
}
