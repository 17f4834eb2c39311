package dev.ledger.client;

import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ledger core's decision about one event, as returned by {@link LedgerClient#submitForDecision}: the business
 * outcome, not only durability. A business rejection is an answer, not an exception: a future completes normally
 * with a REJECTED decision (for example {@link ReasonCode#REASON_INSUFFICIENT_FUNDS}) just as with an APPLIED one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param eventId the event's id, as submitted
 * @param outcome {@link Outcome#OUTCOME_APPLIED} or {@link Outcome#OUTCOME_REJECTED}
 * @param reasonCode why it was rejected; {@link ReasonCode#REASON_NONE} when applied
 * @param reason the core's text: names the account, balance and amount where it matters (empty when applied); for a
 *     duplicate, {@code duplicate of decision <sequence>: <reason code>}
 * @param duplicate the event id had been decided before (a resend): outcome and reason code repeat the original
 * @param balances every account the decision changed, with its balance after it, in minor units (empty for a
 *     rejection and for a duplicate, which changed nothing)
 * @param partition the Kafka partition of the mutation record this decision is about
 * @param offset its offset
 */
public record Decision(String eventId, Outcome outcome, ReasonCode reasonCode, String reason, boolean duplicate,
        Map<String, Long> balances, int partition, long offset) {

    public Decision {
        balances = Map.copyOf(balances);
    }

    /** @return true when the ledger applied the event (its balances changed), false when it rejected it */
    public boolean applied() {
        return outcome == Outcome.OUTCOME_APPLIED;
    }

    /** @return true when the ledger rejected the event; {@link #reasonCode()} says why */
    public boolean rejected() {
        return outcome == Outcome.OUTCOME_REJECTED;
    }

    static Decision of(dev.ledger.proto.Decision d) {
        return new Decision(d.getEventId(), d.getOutcome(), d.getReasonCode(), d.getReason(), d.getDuplicate(),
                balances(d), d.getMutationPartition(), d.getMutationOffset());
    }

    /**
     * The decision's balances as an immutable map, built once: the constructor's {@code Map.copyOf} hands an
     * immutable map back as it is, so each account id is hashed once. An account named twice keeps its last balance,
     * as a map filled in order would (the core names each account once; this only keeps the rule total).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> balances(dev.ledger.proto.Decision d) {
        int n = d.getBalancesCount();
        if (n == 0) {
            return Map.of();
        }
        if (n == 1) {
            AccountBalance b = d.getBalances(0);
            return Map.of(b.getAccountId(), b.getBalanceMinor());
        }
        Map.Entry<String, Long>[] entries = (Map.Entry<String, Long>[]) new Map.Entry<?, ?>[n];
        for (int i = 0; i < n; i++) {
            AccountBalance b = d.getBalances(i);
            entries[i] = Map.entry(b.getAccountId(), b.getBalanceMinor());
        }
        try {
            return Map.ofEntries(entries);
        } catch (IllegalArgumentException duplicateAccount) {
            Map<String, Long> inOrder = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : entries) {
                inOrder.put(e.getKey(), e.getValue());
            }
            return inOrder;
        }
    }
}
