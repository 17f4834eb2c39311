package dev.ledger.stress.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.Mutations;
import dev.ledger.core.rules.Ledger;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountGroup;
import dev.ledger.proto.Decision;
import dev.ledger.proto.MutationEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal checks on plain Decision objects, made by the core's own rules and then tampered with. */
class DecisionVerifierTest {

    private final List<String> acked = new ArrayList<>();

    /** A small ledger's journal: accounts, a top-up, transfers, one overdraft, a resend, a reused id, garbage. */
    private List<Decision> journal() {
        Ledger ledger = new Ledger();
        List<MutationEvent> events = new ArrayList<>(List.of(
                Mutations.createAccount("e1", "alice", "USD", "Alice", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                Mutations.createAccount("e2", "bob", "USD", "Bob", AccountGroup.ACCOUNT_GROUP_CUSTOMER),
                Mutations.createAccount("e3", "fee", "USD", "Fee", AccountGroup.ACCOUNT_GROUP_FEE),
                Mutations.createAccount("e4", "bank", "USD", "Bank", AccountGroup.ACCOUNT_GROUP_SETTLEMENT),
                Mutations.topUp("e5", "alice", "bank", 1_000, "USD"),
                Mutations.transfer("e6", "alice", "bob", 600, 10, "fee", 0, null, "USD"),
                Mutations.transfer("e7", "alice", "bob", 600, 10, "fee", 0, null, "USD"),
                Mutations.transfer("e6", "alice", "bob", 600, 10, "fee", 0, null, "USD"),
                Mutations.transfer("e6", "alice", "bob", 1, 0, null, 0, null, "USD")));
        List<Decision> out = new ArrayList<>();
        for (MutationEvent e : events) {
            out.add(ledger.decide(e.toByteArray(), 0, out.size()));
            if (!acked.contains(e.getEventId())) {
                acked.add(e.getEventId());
            }
        }
        out.add(ledger.decide("garbage".getBytes(StandardCharsets.UTF_8), 0, out.size()));
        return out;
    }

    private DecisionReport verify(List<Decision> journal) {
        DecisionVerifier v = new DecisionVerifier();
        // Added out of order, as partitions interleave: the verifier sorts by sequence.
        for (int i = journal.size() - 1; i >= 0; i--) {
            v.add(journal.get(i));
        }
        return v.report("t", 1, acked);
    }

    @Test
    void theCoresOwnJournalPassesWithItsCounts() {
        DecisionReport r = verify(journal());

        assertThat(r.violationSample()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.decisions()).isEqualTo(10);
        assertThat(r.originals()).isEqualTo(7);
        assertThat(r.applied()).isEqualTo(6);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.rejected("INSUFFICIENT_FUNDS")).isEqualTo(1);
        assertThat(r.rejected("EVENT_ID_REUSED")).isEqualTo(1);
        assertThat(r.rejected("MALFORMED")).isEqualTo(1);
        assertThat(r.balancesMinor()).containsEntry("alice", 400L).containsEntry("bob", 590L)
                .containsEntry("fee", 10L).containsEntry("bank", -1_000L);
        assertThat(r.totalsByCurrency()).containsEntry("USD", 0L);
        assertThat(r.lowestBalancesMinor()).containsEntry("alice", 0L).containsEntry("bank", -1_000L);
        assertThat(r.format()).endsWith("PASS" + System.lineSeparator());
    }

    @Test
    void aMissingDecisionIsAGapAndAnAckedEventWithoutDecision() {
        List<Decision> j = journal();
        j.remove(6); // e7, the overdraft

        DecisionReport r = verify(j);

        assertThat(r.passed()).isFalse();
        assertThat(r.sequenceGaps()).isEqualTo(1);
        assertThat(r.ackedMissing()).isEqualTo(1);
        assertThat(r.format()).contains("FAIL");
    }

    @Test
    void aMutationRecordDecidedTwiceFailsEvenAsADuplicate() {
        List<Decision> j = journal();
        // The resend of e6 at sequence 7 names the record of the original (offset 5): one record, two decisions.
        j.set(7, j.get(7).toBuilder().setMutationOffset(5).build());

        DecisionReport r = verify(j);

        assertThat(r.passed()).isFalse();
        assertThat(r.violationSample()).anyMatch(v -> v.contains("mutation record 0@5 decided again"));
    }

    @Test
    void aRepeatedSequenceFails() {
        List<Decision> j = journal();
        j.add(j.get(3));

        DecisionReport r = verify(j);

        assertThat(r.sequenceRepeats()).isEqualTo(1);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void anEventAppliedTwiceFails() {
        List<Decision> j = journal();
        // The resend of e6 (sequence 7) journaled as a second original instead of a duplicate.
        j.set(7, j.get(5).toBuilder().setSequence(7).build());

        DecisionReport r = verify(j);

        assertThat(r.appliedTwice()).isEqualTo(1);
        assertThat(r.ackedMultiple()).isEqualTo(1);
        assertThat(r.passed()).isFalse();
    }

    @Test
    void aCustomerBelowZeroFailsButASettlementAccountMayGoThere() {
        List<Decision> j = journal();
        // The overdraft (sequence 6) journaled as applied: alice 400 -> -200, bob +590, fee +10.
        Decision overdraft = j.get(6).toBuilder().clearReasonCode().clearReason()
                .setOutcome(dev.ledger.proto.Outcome.OUTCOME_APPLIED).clearBalances()
                .addBalances(balance("alice", -200)).addBalances(balance("bob", 1_180))
                .addBalances(balance("fee", 20)).build();
        j.set(6, overdraft);

        DecisionReport r = verify(j);

        assertThat(r.negativeBalances()).isEqualTo(1);
        assertThat(r.unbalanced()).isZero();
        assertThat(r.lowestBalancesMinor()).containsEntry("alice", -200L);
        assertThat(r.violationSample()).anySatisfy(v -> assertThat(v).contains("alice").contains("-200"));
        assertThat(r.passed()).isFalse();
    }

    @Test
    void aDecisionThatCreatesMoneyFails() {
        List<Decision> j = journal();
        j.set(4, j.get(4).toBuilder().setBalances(0, balance("alice", 2_000)).build());

        DecisionReport r = verify(j);

        assertThat(r.unbalanced()).isPositive();
        // Balances are absolute, so later decisions hide it in the final totals: the per-decision check catches it.
        assertThat(r.violationSample().toString()).contains("decision 4 moves 1000 USD");
        assertThat(r.passed()).isFalse();
    }

    private static AccountBalance balance(String account, long minor) {
        return AccountBalance.newBuilder().setAccountId(account).setBalanceMinor(minor).build();
    }
}
