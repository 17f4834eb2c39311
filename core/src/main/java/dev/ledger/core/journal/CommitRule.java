package dev.ledger.core.journal;

/**
 * When the active core commits its open transaction. A commit costs a few broker round trips whatever its size, and
 * the decisions in it become visible to clients only when it ends. So: commit as soon as the input is drained (the
 * last poll returned fewer records than a poll may hold: the consumer has nothing more fetched), which keeps the
 * decision latency near one commit while the core keeps up; while it works through a backlog (every poll full), let
 * one transaction span polls up to a size or an age, which keeps the throughput.
 *
 * <p>One more bound spaces commits at a steady flow: a drained transaction commits only {@code minGapNanos} after the
 * previous commit ended, and until then the loop polls for more input, waiting at most {@link #lingerNanos}. At
 * 50,000 events/s, committing on every drained poll made 280–430 transactions a second, and the broker spent more
 * on ending them (add partitions, end transaction, markers, transaction log) than on the decisions; 5 ms apart, the
 * same flow needs about 130. After a quiet spell longer than the gap, a decision is committed at once. Immutable.
 *
 * @param pollMaxRecords the consumer's {@code max.poll.records}
 * @param maxRecords decisions after which a transaction is committed even on a backlog
 * @param maxAgeNanos age after which a transaction is committed even on a backlog
 * @param minGapNanos least time from the end of one commit of decisions to the commit of a drained transaction
 */
record CommitRule(int pollMaxRecords, long maxRecords, long maxAgeNanos, long minGapNanos) {

    CommitRule {
        if (pollMaxRecords < 1 || maxRecords < 1 || maxAgeNanos < 0 || minGapNanos < 0 || minGapNanos > maxAgeNanos) {
            throw new IllegalArgumentException("pollMaxRecords and maxRecords must be positive, maxAgeNanos not "
                    + "negative and minGapNanos in 0..maxAgeNanos: " + pollMaxRecords + ", " + maxRecords + ", "
                    + maxAgeNanos + ", " + minGapNanos);
        }
    }

    /**
     * @param polled records the last poll returned
     * @param records decisions in the open transaction
     * @param ageNanos how long the open transaction has been open
     * @param sinceCommitNanos time since the previous commit ended
     */
    boolean due(int polled, long records, long ageNanos, long sinceCommitNanos) {
        return (polled < pollMaxRecords && sinceCommitNanos >= minGapNanos) || records >= maxRecords
                || ageNanos >= maxAgeNanos;
    }

    /** How long the next poll of an open transaction may wait for input: what is left of the gap since the commit. */
    long lingerNanos(long sinceCommitNanos) {
        return Math.max(0, minGapNanos - sinceCommitNanos);
    }

    /**
     * {@link #lingerNanos} in whole milliseconds, rounded up: the consumer's poll drops a fraction of a millisecond,
     * so rounded down the last fraction of every gap would be spent polling without waiting at all.
     */
    long pollWaitMillis(long sinceCommitNanos) {
        return (lingerNanos(sinceCommitNanos) + 999_999) / 1_000_000;
    }
}
