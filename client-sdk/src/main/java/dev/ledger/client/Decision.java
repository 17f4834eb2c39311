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
        Map<String, Long> balances = new LinkedHashMap<>();
        for (AccountBalance b : d.getBalancesList()) {
            balances.put(b.getAccountId(), b.getBalanceMinor());
        }
        return new Decision(d.getEventId(), d.getOutcome(), d.getReasonCode(), d.getReason(), d.getDuplicate(),
                balances, d.getMutationPartition(), d.getMutationOffset());
    }
}
