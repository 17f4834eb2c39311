package dev.ledger.core.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.Decision;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds journal records into a {@link Ledger} in sequence order. The journal spans several partitions, and a reader
 * sees them interleaved in any order; the active core numbers its committed decisions 0, 1, 2, ... without gaps, so
 * records are held here until the next sequence arrives. Records below the ledger's next sequence (already in a
 * snapshot, or read twice) are dropped. Not thread-safe: used by the core loop's thread.
 */
final class JournalFolder {

    private static final Logger log = LoggerFactory.getLogger(JournalFolder.class);

    private final Ledger ledger;
    private final InputPositions positions;
    private final PriorityQueue<Decision> waiting =
            new PriorityQueue<>((a, b) -> Long.compareUnsigned(a.getSequence(), b.getSequence()));
    private long folded;
    private long unreadable;
    private long lastOffered = -1;

    JournalFolder(Ledger ledger, InputPositions positions) {
        this.ledger = ledger;
        this.positions = positions;
    }

    Ledger ledger() {
        return ledger;
    }

    /** The input positions of the state folded so far (and of the decisions the active core adds to it). */
    InputPositions positions() {
        return positions;
    }

    /** Offers one journal record's value; returns how many decisions were folded as a result. */
    int offer(byte[] value, int partition, long offset) {
        lastOffered = -1;
        Decision d;
        try {
            d = Decision.parseFrom(value == null ? new byte[0] : value);
        } catch (InvalidProtocolBufferException e) {
            unreadable++;
            log.error("journal record {}@{} does not parse as a Decision; skipped: {}", partition, offset,
                    e.getMessage());
            return 0;
        }
        lastOffered = d.getSequence();
        if (d.getSequence() < ledger.nextSequence()) {
            return 0;
        }
        int n = 0;
        if (waiting.isEmpty() && d.getSequence() == ledger.nextSequence()) {
            n += fold(d, partition, offset); // in order, the common case: no trip through the queue
        } else {
            waiting.add(d);
        }
        while (!waiting.isEmpty() && waiting.peek().getSequence() <= ledger.nextSequence()) {
            Decision next = waiting.poll();
            if (next.getSequence() == ledger.nextSequence()) {
                n += fold(next, partition, offset);
            }
        }
        folded += n;
        return n;
    }

    private int fold(Decision d, int partition, long offset) {
        // The mutation has its decision in the journal, folded or not: it is never decided again.
        positions.decided(d.getMutationPartition(), d.getMutationOffset());
        try {
            ledger.apply(d);
            return 1;
        } catch (RuntimeException e) {
            // A journal record that contradicts the state (a foreign writer, a bug): apply changed nothing; it is
            // counted, logged and stepped over, so the fold never stalls on it.
            unreadable++;
            ledger.restoreNextSequence(d.getSequence() + 1);
            log.error("journal record {}@{} (sequence {}) cannot be folded; skipped: {}", partition, offset,
                    d.getSequence(), e.getMessage());
            return 0;
        }
    }

    /** The sequence of the last record offered that parsed, or -1. */
    long lastOfferedSequence() {
        return lastOffered;
    }

    /** Decisions read but waiting for an earlier sequence. */
    int waiting() {
        return waiting.size();
    }

    long folded() {
        return folded;
    }

    long unreadable() {
        return unreadable;
    }
}
