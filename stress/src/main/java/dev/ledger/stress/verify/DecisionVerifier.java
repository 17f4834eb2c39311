package dev.ledger.stress.verify;

import dev.ledger.core.rules.Account;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the core's decision journal: every acknowledged event id has exactly one original decision, the
 * sequences are 0..n-1 without gaps or repeats, and folding the journal in sequence order with
 * {@link Ledger#apply} keeps the ledger's invariants (every decision balances per currency, the sum of all
 * balances per currency is 0, no non-settlement account below zero after any decision, each event id applied at
 * most once). Feed it decisions in any order with {@link #add} (or read a topic with {@link #verifyTopic}), then
 * call {@link #report}. Used by {@code verify --decisions}, the demo and the fault suite. Not thread-safe.
 */
public final class DecisionVerifier {

    private static final int SAMPLES = 10;

    private final List<Decision> decisions = new ArrayList<>();
    private long unparsable;

    /** Adds one journal record. */
    public void add(Decision d) {
        decisions.add(d);
    }

    /** Counts a journal record whose value is not a Decision (a violation). */
    public void addUnparsable() {
        unparsable++;
    }

    /** Reads a decisions topic (read_committed, to the end offsets at start) and checks it against the acked ids. */
    public static DecisionReport verifyTopic(String bootstrapServers, String topic, Collection<String> ackedIds,
            java.time.Duration timeout) {
        return verifyTopic(new TopicScanner(bootstrapServers, topic, timeout), topic, ackedIds);
    }

    /** {@link #verifyTopic(String, String, Collection, java.time.Duration)} with a given scanner (read_committed is added). */
    public static DecisionReport verifyTopic(TopicScanner scanner, String topic, Collection<String> ackedIds) {
        DecisionVerifier v = new DecisionVerifier();
        int partitions = scanner.readCommitted().scanRecords(r -> {
            try {
                v.add(Decision.parseFrom(r.value() == null ? new byte[0] : r.value()));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                v.addUnparsable();
            }
        });
        return v.report(topic, partitions, ackedIds);
    }

    /** Folds everything added so far and checks it; the acked ids are the events that must have been decided. */
    public DecisionReport report(String topic, int partitions, Collection<String> ackedIds) {
        decisions.sort(Comparator.comparingLong(Decision::getSequence));
        Fold f = new Fold();
        for (Decision d : decisions) {
            f.next(d);
        }
        Map<String, Long> totals = new TreeMap<>();
        Map<String, Long> balances = new TreeMap<>();
        for (Account a : f.ledger.accounts().values()) {
            totals.merge(a.currency(), a.balanceMinor(), Long::sum);
            balances.put(a.id(), a.balanceMinor());
        }
        for (Map.Entry<String, Long> t : totals.entrySet()) {
            if (t.getValue() != 0) {
                f.violation("sum of " + t.getKey() + " balances is " + t.getValue() + ", not 0");
            }
        }
        long missing = 0;
        long multiple = 0;
        List<String> missingSample = new ArrayList<>();
        for (String id : ackedIds) {
            int n = f.originals.getOrDefault(id, 0);
            if (n == 0) {
                missing++;
                if (missingSample.size() < SAMPLES) {
                    missingSample.add(id);
                }
            } else if (n > 1) {
                multiple++;
            }
        }
        if (missing > 0) {
            f.violation(missing + " acked events have no original decision, e.g. " + missingSample);
        }
        if (multiple > 0) {
            f.violation(multiple + " acked events have more than one original decision");
        }
        return new DecisionReport(topic, partitions, decisions.size(), unparsable, f.originalCount, f.applied,
                f.duplicates, f.rejectedByReason, ackedIds.size(), missing, multiple, f.gaps, f.repeats,
                f.appliedTwice, f.negative, f.unbalanced, totals, balances, f.lowest, f.violations, f.violationCount);
    }

    /** The fold of the journal in sequence order, with its counters. */
    private final class Fold {
        final Ledger ledger = new Ledger();
        final Map<String, Integer> originals = new HashMap<>();
        final Map<String, Boolean> appliedIds = new HashMap<>();
        final java.util.Set<String> records = new java.util.HashSet<>();
        final Map<String, Long> rejectedByReason = new TreeMap<>();
        final Map<String, Long> lowest = new TreeMap<>();
        final List<String> violations = new ArrayList<>();
        long violationCount;
        long originalCount;
        long applied;
        long duplicates;
        long gaps;
        long repeats;
        long appliedTwice;
        long negative;
        long unbalanced;
        long expected;
        boolean folding = true;

        void next(Decision d) {
            long seq = d.getSequence();
            if (seq < expected) {
                repeats++;
                violation("sequence " + seq + " appears more than once");
                return; // the first copy was folded
            }
            if (seq > expected) {
                gaps += seq - expected;
                violation("sequences " + expected + ".." + (seq - 1) + " are missing");
                folding = false; // Ledger.apply needs the next sequence: the invariants after a gap are not checked
            }
            expected = seq + 1;
            count(d);
            if (folding) {
                fold(d);
            }
        }

        private void count(Decision d) {
            // Exactly one decision per mutation record: a second one (even a duplicate=true one) means the record
            // was decided twice, which exactly-once forbids.
            if (!records.add(d.getMutationPartition() + "@" + d.getMutationOffset())) {
                violation("mutation record " + d.getMutationPartition() + "@" + d.getMutationOffset()
                        + " decided again at sequence " + d.getSequence());
            }
            if (d.getDuplicate()) {
                duplicates++;
            } else if (d.getOutcome() == Outcome.OUTCOME_REJECTED) {
                rejectedByReason.merge(reasonName(d.getReasonCode()), 1L, Long::sum);
            }
            if (Ledger.keeps(d)) {
                originalCount++;
                originals.merge(d.getEventId(), 1, Integer::sum);
                if (d.getOutcome() == Outcome.OUTCOME_APPLIED) {
                    applied++;
                    if (appliedIds.put(d.getEventId(), Boolean.TRUE) != null) {
                        appliedTwice++;
                        violation("event " + d.getEventId() + " applied again at sequence " + d.getSequence());
                    }
                }
            }
        }

        private void fold(Decision d) {
            Map<String, Long> delta = new HashMap<>(4);
            for (AccountBalance b : d.getBalancesList()) {
                Account before = ledger.account(b.getAccountId());
                String currency = before != null ? before.currency()
                        : d.hasOpened() ? d.getOpened().getCurrency() : "?";
                delta.merge(currency, b.getBalanceMinor() - (before == null ? 0 : before.balanceMinor()), Long::sum);
            }
            try {
                ledger.apply(d);
            } catch (RuntimeException e) {
                violation("decision " + d.getSequence() + " does not fold: " + e.getMessage());
                folding = false;
                return;
            }
            for (Map.Entry<String, Long> e : delta.entrySet()) {
                if (e.getValue() != 0) {
                    unbalanced++;
                    violation("decision " + d.getSequence() + " moves " + e.getValue() + " " + e.getKey()
                            + " in total, not 0");
                }
            }
            for (AccountBalance b : d.getBalancesList()) {
                Account a = ledger.account(b.getAccountId());
                lowest.merge(a.id(), b.getBalanceMinor(), Math::min);
                if (b.getBalanceMinor() < 0 && a.group() != AccountGroup.ACCOUNT_GROUP_SETTLEMENT) {
                    negative++;
                    violation("decision " + d.getSequence() + " leaves " + a.group() + " account " + a.id()
                            + " at " + b.getBalanceMinor());
                }
            }
        }

        void violation(String text) {
            violationCount++;
            if (violations.size() < SAMPLES) {
                violations.add(text);
            }
        }
    }

    static String reasonName(ReasonCode r) {
        return r == ReasonCode.UNRECOGNIZED ? "UNKNOWN" : r.name().substring("REASON_".length());
    }
}
