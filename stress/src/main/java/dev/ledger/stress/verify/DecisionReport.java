package dev.ledger.stress.verify;

import java.util.List;
import java.util.Map;

/**
 * What {@link DecisionVerifier} found in the decision journal. Immutable. Passes when there is no violation of any
 * kind: every acked event has exactly one original decision, sequences run 0..n-1, and the fold kept every invariant.
 *
 * @param decisions journal records read
 * @param unparsable records that are not a Decision
 * @param originals decisions that record their event id (not duplicate, not MALFORMED, not EVENT_ID_REUSED)
 * @param applied originals with outcome APPLIED
 * @param duplicates decisions marked duplicate (a resend, or a snapshot's copies on other partitions)
 * @param rejectedByReason non-duplicate REJECTED decisions per reason code
 * @param acked acked event ids checked
 * @param ackedMissing acked ids without an original decision
 * @param ackedMultiple acked ids with more than one original decision
 * @param sequenceGaps sequence numbers missing below the highest one
 * @param sequenceRepeats sequence numbers seen more than once
 * @param appliedTwice event ids APPLIED by more than one original decision
 * @param negativeBalances non-settlement balances below zero after a decision
 * @param unbalanced decisions whose balance changes do not sum to zero per currency
 * @param totalsByCurrency sum of all final balances per currency (must be 0)
 * @param balancesMinor final balance per account
 * @param lowestBalancesMinor lowest balance each account had after any decision
 * @param violationSample up to 10 violations in words
 * @param violations all violations
 */
public record DecisionReport(String topic, int partitions, long decisions, long unparsable, long originals,
        long applied, long duplicates, Map<String, Long> rejectedByReason, long acked, long ackedMissing,
        long ackedMultiple, long sequenceGaps, long sequenceRepeats, long appliedTwice, long negativeBalances,
        long unbalanced, Map<String, Long> totalsByCurrency, Map<String, Long> balancesMinor,
        Map<String, Long> lowestBalancesMinor, List<String> violationSample, long violations) {

    public DecisionReport {
        rejectedByReason = Map.copyOf(rejectedByReason);
        totalsByCurrency = Map.copyOf(totalsByCurrency);
        balancesMinor = Map.copyOf(balancesMinor);
        lowestBalancesMinor = Map.copyOf(lowestBalancesMinor);
        violationSample = List.copyOf(violationSample);
    }

    /** True when nothing was violated (unparsable records count as violations). */
    public boolean passed() {
        return violations == 0 && unparsable == 0;
    }

    /** Non-duplicate REJECTED decisions with this reason (e.g. {@code "INSUFFICIENT_FUNDS"}). */
    public long rejected(String reason) {
        return rejectedByReason.getOrDefault(reason, 0L);
    }

    /** A multi-line human-readable summary ending with PASS or FAIL. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("== verify decisions %s (%d partitions) ==%n", topic, partitions));
        sb.append(String.format("decisions         %d (unparsable %d)%n", decisions, unparsable));
        sb.append(String.format("originals         %d (applied %d)%n", originals, applied));
        sb.append(String.format("duplicates        %d%n", duplicates));
        new java.util.TreeMap<>(rejectedByReason).forEach((reason, n) ->
                sb.append(String.format("rejected          %d %s%n", n, reason)));
        sb.append(String.format("acked             %d, without an original decision %d, with several %d%n", acked,
                ackedMissing, ackedMultiple));
        sb.append(String.format("sequences         gaps %d, repeats %d%n", sequenceGaps, sequenceRepeats));
        sb.append(String.format("invariants        unbalanced %d, below zero %d, applied twice %d, totals %s%n",
                unbalanced, negativeBalances, appliedTwice, new java.util.TreeMap<>(totalsByCurrency)));
        for (String v : violationSample) {
            sb.append("violation         ").append(v).append(System.lineSeparator());
        }
        sb.append(passed() ? "PASS" : "FAIL").append(System.lineSeparator());
        return sb.toString();
    }
}
