package dev.ledger.core.journal;

/**
 * When the active core commits its open transaction. A commit costs a few broker round trips whatever its size, and
 * the decisions in it become visible to clients only when it ends. So: commit as soon as the input is drained (the
 * last poll returned fewer records than a poll may hold: the consumer has nothing more fetched) and the transaction is
 * at least {@code minAgeNanos} old, which keeps the decision latency near one commit while the core keeps up; while
 * it works through a backlog (every poll full), let one transaction span polls up to a size or an age, which keeps
 * the throughput. A young transaction with its input drained polls again, waiting at most {@link #lingerNanos} for
 * more input: at a steady trickle of mutations each commit then carries more decisions, and the broker ends fewer
 * transactions. Immutable.
 *
 * @param pollMaxRecords the consumer's {@code max.poll.records}
 * @param maxRecords decisions after which a transaction is committed even on a backlog
 * @param maxAgeNanos age after which a transaction is committed even on a backlog
 * @param minAgeNanos age before which a transaction with its input drained stays open, polling for more
 */
record CommitRule(int pollMaxRecords, long maxRecords, long maxAgeNanos, long minAgeNanos) {

    CommitRule {
        if (pollMaxRecords < 1 || maxRecords < 1 || maxAgeNanos < 0 || minAgeNanos < 0 || minAgeNanos > maxAgeNanos) {
            throw new IllegalArgumentException("pollMaxRecords and maxRecords must be positive, maxAgeNanos not "
                    + "negative and minAgeNanos in 0..maxAgeNanos: " + pollMaxRecords + ", " + maxRecords + ", "
                    + maxAgeNanos + ", " + minAgeNanos);
        }
    }

    /**
     * @param polled records the last poll returned
     * @param records decisions in the open transaction
     * @param ageNanos how long the open transaction has been open
     */
    boolean due(int polled, long records, long ageNanos) {
        return (polled < pollMaxRecords && ageNanos >= minAgeNanos) || records >= maxRecords || ageNanos >= maxAgeNanos;
    }

    /** How long the next poll of an open transaction this old may wait for input: what is left of its minimum age. */
    long lingerNanos(long ageNanos) {
        return Math.max(0, minAgeNanos - ageNanos);
    }
}
