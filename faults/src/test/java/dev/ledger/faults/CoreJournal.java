package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.rules.Account;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a core's decision journal back (read_committed) and checks it against the mutations topic: exactly one
 * decision per mutation record, sequences 0..n-1, each event id applied at most once, and the ledger's invariants
 * while folding it (per-currency sum 0, no non-settlement balance below 0). Not thread-safe.
 */
final class CoreJournal {

    private CoreJournal() {
    }

    /** Committed records of every partition of {@code topic}: values, in partition then offset order. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " not read to its end in 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Number of records in a topic (sum of end offsets; the mutations topic is not transactional). */
    static long count(String bootstrap, String topic) {
        return read(bootstrap, topic).size();
    }

    static List<Decision> decisions(String bootstrap, String topic) {
        List<Decision> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topic)) {
            try {
                out.add(Decision.parseFrom(r.value()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError("journal record " + r.partition() + "@" + r.offset() + " does not parse", e);
            }
        }
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

    /** Asserts every invariant; returns the folded ledger. */
    static Ledger check(List<Decision> journal, long mutationRecords) {
        Map<String, Integer> perRecord = new HashMap<>();
        Set<String> applied = new HashSet<>();
        Ledger ledger = new Ledger();
        for (int i = 0; i < journal.size(); i++) {
            Decision d = journal.get(i);
            assertThat(d.getSequence()).as("sequence of journal entry " + i).isEqualTo(i);
            perRecord.merge(d.getMutationPartition() + "@" + d.getMutationOffset(), 1, Integer::sum);
            if (!d.getDuplicate() && d.getOutcome() == Outcome.OUTCOME_APPLIED) {
                assertThat(applied.add(d.getEventId())).as("event " + d.getEventId() + " applied once").isTrue();
            }
            ledger.apply(d);
            for (AccountBalance b : d.getBalancesList()) {
                Account a = ledger.account(b.getAccountId());
                if (a.group() != dev.ledger.proto.AccountGroup.ACCOUNT_GROUP_SETTLEMENT) {
                    assertThat(b.getBalanceMinor()).as("balance of " + a.id() + " after decision " + i)
                            .isGreaterThanOrEqualTo(0);
                }
            }
        }
        assertThat(perRecord).as("decisions per mutation record").hasSize((int) mutationRecords);
        assertThat(perRecord.values()).as("decisions per mutation record").allMatch(n -> n == 1);
        Map<String, Long> sums = new HashMap<>();
        ledger.accounts().values().forEach(a -> sums.merge(a.currency(), a.balanceMinor(), Long::sum));
        assertThat(sums.values()).as("sum of balances per currency").allMatch(s -> s == 0);
        return ledger;
    }
}
