package dev.ledger.stress.demo;

import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.DecisionReport;
import dev.ledger.stress.verify.VerifyReport;
import java.util.Map;

/**
 * What the demo did and found. Immutable.
 *
 * @param run counts and latency of everything sent
 * @param expectedAccepted events the script sends: 6 accounts, 2 top-ups, the transfers, 1 snapshot, the overdrafts
 * @param verify the topic checked against the acknowledged ids
 * @param decisions the core's journal checked against the acknowledged ids and folded with the ledger's rules
 * @param expectedBalancesMinor what the balances must be after the fold
 * @param expectedInsufficientFunds overdraft attempts the core must reject
 */
public record DemoResult(RunReport run, long expectedAccepted, VerifyReport verify, DecisionReport decisions,
        Map<String, Long> expectedBalancesMinor, long expectedInsufficientFunds) {

    public boolean balancesAsExpected() {
        for (Map.Entry<String, Long> e : expectedBalancesMinor.entrySet()) {
            if (!e.getValue().equals(decisions.balancesMinor().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The payer never went below zero in the journal (the decision verifier checks every customer as well). */
    public boolean payerNeverNegative() {
        Long lowest = decisions.lowestBalancesMinor().get(Demo.PAYER);
        Long smallLowest = decisions.lowestBalancesMinor().get(Demo.SMALL_PAYER);
        return lowest != null && lowest >= 0 && smallLowest != null && smallLowest >= 0;
    }

    /** How many overdraft attempts came back to the client as REJECTED INSUFFICIENT_FUNDS decisions. */
    public long rejectedToClient() {
        return run.outcomes().getOrDefault("decision:REJECTED:INSUFFICIENT_FUNDS", 0L);
    }

    /**
     * Verified: every event accepted and stored, the journal clean, every overdraft rejected for insufficient funds
     * (in the journal and as returned to the client), nobody below zero and the balances as expected.
     */
    public boolean passed() {
        return run.acked() == expectedAccepted && verify.passed() && decisions.passed()
                && rejectedToClient() == expectedInsufficientFunds
                && decisions.rejected("INSUFFICIENT_FUNDS") == expectedInsufficientFunds && payerNeverNegative()
                && balancesAsExpected();
    }
}
