package dev.ledger.core.journal;

/**
 * When the active core commits its open transaction. A commit costs a few broker round trips whatever its size, and
 * the decisions in it become visible to clients only when it ends. So: commit as soon as the input is drained (the
 * last poll returned fewer records than a poll may hold: the consumer has nothing more fetched), which keeps the
 * decision latency near one commit while the core keeps up; while it works through a backlog (every poll full), let
 * one transaction span polls up to a size or an age, which keeps the throughput. Immutable.
 *
 * @param pollMaxRecords the consumer's {@code max.poll.records}
 * @param maxRecords decisions after which a transaction is committed even on a backlog
 * @param maxAgeNanos age after which a transaction is committed even on a backlog
 */
record CommitRule(int pollMaxRecords, long maxRecords, long maxAgeNanos) {

    CommitRule {
        if (pollMaxRecords < 1 || maxRecords < 1 || maxAgeNanos < 0) {
            throw new IllegalArgumentException("pollMaxRecords and maxRecords must be positive and maxAgeNanos not "
                    + "negative: " + pollMaxRecords + ", " + maxRecords + ", " + maxAgeNanos);
        }
    }

    /**
     * @param polled records the last poll returned
     * @param records decisions in the open transaction
     * @param ageNanos how long the open transaction has been open
     */
    boolean due(int polled, long records, long ageNanos) {
        return polled < pollMaxRecords || records >= maxRecords || ageNanos >= maxAgeNanos;
    }
}
