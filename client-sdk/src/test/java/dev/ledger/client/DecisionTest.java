package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public decision built from the wire's: every field carried over, balances immutable whoever builds it. */
class DecisionTest {

    private static dev.ledger.proto.Decision wire(String... accountsAndBalances) {
        dev.ledger.proto.Decision.Builder d = dev.ledger.proto.Decision.newBuilder().setEventId("e-1")
                .setOutcome(Outcome.OUTCOME_APPLIED).setReasonCode(ReasonCode.REASON_NONE).setReason("ok")
                .setMutationPartition(3).setMutationOffset(42);
        for (int i = 0; i < accountsAndBalances.length; i += 2) {
            d.addBalances(AccountBalance.newBuilder().setAccountId(accountsAndBalances[i])
                    .setBalanceMinor(Long.parseLong(accountsAndBalances[i + 1])));
        }
        return d.build();
    }

    /** As the SDK makes it: read from a Decisions frame's bytes, the id taken from the pending event. */
    static Decision fromWire(dev.ledger.proto.Decision d) {
        return DecisionsFrame.of(dev.ledger.proto.Decisions.newBuilder().addDecisions(d).build()).get(0)
                .toDecision(d.getEventId());
    }

    @Test
    void everyFieldAndEveryBalanceIsCarriedOver() {
        Decision d = fromWire(wire("alice", "-5", "bob", "5", "fees", "1", "tax", "0"));

        assertThat(d).isEqualTo(new Decision("e-1", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, "ok", false,
                Map.of("alice", -5L, "bob", 5L, "fees", 1L, "tax", 0L), 3, 42));
        assertThat(d.applied()).isTrue();
    }

    @Test
    void noneOneOrManyBalancesAreImmutable() {
        for (Decision d : new Decision[] {fromWire(wire()), fromWire(wire("alice", "7")),
                fromWire(wire("alice", "7", "bob", "8", "carol", "9"))}) {
            assertThatThrownBy(() -> d.balances().put("mallory", 1L)).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(fromWire(wire()).balances()).isEmpty();
        assertThat(fromWire(wire("alice", "7")).balances()).containsExactly(Map.entry("alice", 7L));
    }

    @Test
    void anAccountNamedTwiceKeepsItsLastBalance() {
        Decision d = fromWire(wire("alice", "1", "bob", "2", "alice", "3"));
        assertThat(d.balances()).isEqualTo(Map.of("alice", 3L, "bob", 2L));
    }

    @Test
    void aDecisionBuiltByHandCopiesItsBalances() {
        Map<String, Long> mine = new HashMap<>(Map.of("alice", 1L));
        Decision d = new Decision("e-1", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE, "", false, mine, 0, 0);
        mine.put("alice", 2L);
        assertThat(d.balances()).containsExactly(Map.entry("alice", 1L));
        assertThatThrownBy(() -> d.balances().put("bob", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }
}
