package dev.ledger.client;

import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
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
 *     rejection and for a duplicate, which changed nothing); an immutable map (the SDK's decodes its entries from
 *     the wire on first access)
 * @param partition the Kafka partition of the mutation record this decision is about
 * @param offset its offset
 */
public record Decision(String eventId, Outcome outcome, ReasonCode reasonCode, String reason, boolean duplicate,
        Map<String, Long> balances, int partition, long offset) {

    public Decision {
        // The SDK's own balances (decoded from the wire on first access) are immutable already; copying them here
        // would decode every decision's. Any other map is copied, so a caller's later changes do not show.
        balances = balances instanceof LazyBalances ? balances : Map.copyOf(balances);
    }

    /** @return true when the ledger applied the event (its balances changed), false when it rejected it */
    public boolean applied() {
        return outcome == Outcome.OUTCOME_APPLIED;
    }

    /** @return true when the ledger rejected the event; {@link #reasonCode()} says why */
    public boolean rejected() {
        return outcome == Outcome.OUTCOME_REJECTED;
    }
}
