package dev.ledger.stress.demo;

import dev.ledger.stress.report.RunReport;
import dev.ledger.stress.verify.LedgerReplay;
import dev.ledger.stress.verify.VerifyReport;
import java.util.Map;

/**
 * What the demo did and found. Immutable.
 *
 * @param run counts and latency of everything sent
 * @param expectedAccepted events the script sends: 5 accounts, 1 top-up, the transfers, 1 snapshot
 * @param verify the topic checked against the acknowledged ids
 * @param replay balances as a consumer computes them
 * @param expectedBalancesMinor what the balances must be
 */
public record DemoResult(RunReport run, long expectedAccepted, VerifyReport verify, LedgerReplay.Result replay,
        Map<String, Long> expectedBalancesMinor) {

    public boolean balancesAsExpected() {
        for (Map.Entry<String, Long> e : expectedBalancesMinor.entrySet()) {
            if (!e.getValue().equals(replay.balancesMinor().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Verified: every event accepted, nothing lost, order kept, the ledger balances as expected. */
    public boolean passed() {
        return run.acked() == expectedAccepted && verify.passed() && replay.passed() && balancesAsExpected();
    }
}
