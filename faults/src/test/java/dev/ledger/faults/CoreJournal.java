package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Decision;
import dev.ledger.stress.verify.DecisionReport;
import dev.ledger.stress.verify.DecisionVerifier;
import dev.ledger.testkit.support.TopicRecords;
import java.time.Duration;
import java.util.List;

/**
 * Reads a core's decision journal back (read_committed, with the testkit's {@link TopicRecords}) and checks it
 * with the stress tool's {@link DecisionVerifier} against the mutations topic: one decision per mutation record,
 * sequences 0..n-1, each event id applied at most once, per-currency sum 0, no non-settlement balance below 0.
 * Not thread-safe.
 */
final class CoreJournal {

    private CoreJournal() {
    }

    /** Number of records in a topic: the sum of its end offsets (the mutations topic is not transactional). */
    static long count(String bootstrap, String topic) {
        return TopicRecords.count(bootstrap, topic);
    }

    /** Every committed journal record, in sequence order. */
    static List<Decision> decisions(String bootstrap, String topic) {
        return TopicRecords.decisions(bootstrap, topic);
    }

    /** Waits until the journal has one decision per mutation record; returns the decisions. */
    static List<Decision> awaitAllDecided(String bootstrap, String mutations, String decisionsTopic, Duration timeout)
            throws InterruptedException {
        long expected = count(bootstrap, mutations);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Decision> d = decisions(bootstrap, decisionsTopic);
        while (d.size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(d.size() + " decisions for " + expected + " mutations after " + timeout);
            }
            Thread.sleep(500);
            d = decisions(bootstrap, decisionsTopic);
        }
        return d;
    }

    /** Asserts every invariant of the journal, and that it holds exactly one decision per mutation record. */
    static DecisionReport check(List<Decision> journal, long mutationRecords) {
        DecisionVerifier verifier = new DecisionVerifier();
        journal.forEach(verifier::add);
        DecisionReport report = verifier.report("journal", 0, List.of());
        assertThat(report.violationSample()).as("journal violations").isEmpty();
        assertThat(report.passed()).as(report.format()).isTrue();
        // No record decided twice (the verifier checks it) and none left out: as many decisions as records.
        assertThat(report.decisions()).as("decisions per mutation record").isEqualTo(mutationRecords);
        assertThat(report.totalsByCurrency().values()).as("sum of balances per currency").allMatch(s -> s == 0);
        return report;
    }
}
