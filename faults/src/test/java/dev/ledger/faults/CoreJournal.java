package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Decision;
import dev.ledger.stress.verify.DecisionReport;
import dev.ledger.stress.verify.DecisionVerifier;
import dev.ledger.stress.verify.TopicScanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a core's decision journal back (read_committed, with the stress tool's {@link TopicScanner}) and checks it
 * with the stress tool's {@link DecisionVerifier} against the mutations topic: one decision per mutation record,
 * sequences 0..n-1, each event id applied at most once, per-currency sum 0, no non-settlement balance below 0.
 * Not thread-safe.
 */
final class CoreJournal {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private CoreJournal() {
    }

    /** Number of records in a topic: the sum of its end offsets (the mutations topic is not transactional). */
    static long count(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int i = 0; i < partitions; i++) {
                latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new AssertionError("cannot count the records of " + topic, e);
        }
    }

    /** Every committed journal record, in sequence order. */
    static List<Decision> decisions(String bootstrap, String topic) {
        List<Decision> out = new ArrayList<>();
        new TopicScanner(bootstrap, topic, TIMEOUT).readCommitted().scanRecords(r -> {
            try {
                out.add(Decision.parseFrom(r.value()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("journal record " + r.partition() + "@" + r.offset() + " does not parse", e);
            }
        });
        out.sort((a, b) -> Long.compare(a.getSequence(), b.getSequence()));
        return out;
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
