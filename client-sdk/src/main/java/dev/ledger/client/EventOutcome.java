package dev.ledger.client;

import dev.ledger.proto.Status;

/**
 * How one event ended, as told to {@link LedgerClientListener#eventCompleted}: exactly one outcome per event handed
 * to the client, whether its future completed or a blocking submit threw. The first three are the normal
 * completions ({@link ClientStats#eventsAccepted()}), the others the failures ({@link ClientStats#eventsFailed()}).
 */
public enum EventOutcome {
    /** Stored by Kafka: an ACCEPTED {@link Receipt}. */
    ACCEPTED,
    /** A {@code submitForDecision} event the ledger applied. */
    DECISION_APPLIED,
    /** A {@code submitForDecision} event the ledger rejected with a reason (an answer, not a failure of the call). */
    DECISION_REJECTED,
    /** {@link LedgerRejectedException}: INVALID, PERMISSION_DENIED, UNAUTHENTICATED or UNSPECIFIED. */
    REJECTED,
    /** {@link LedgerTimeoutException}: no final answer, or no room at the in-flight limit, before the deadline. */
    TIMED_OUT,
    /** {@link LedgerBackpressureException}: {@code submitAsync} refused at the in-flight limit; nothing was sent. */
    BACKPRESSURE,
    /** {@link LedgerClosedException}: the client was closed, or the waiting thread interrupted. */
    CLOSED;

    /** True for the outcomes that complete the caller's future normally. */
    public boolean succeeded() {
        return this == ACCEPTED || this == DECISION_APPLIED || this == DECISION_REJECTED;
    }

    /** The outcome a failure stands for; the one mapping from the exception hierarchy. */
    static EventOutcome of(LedgerException failure) {
        if (failure instanceof LedgerRejectedException) {
            return REJECTED;
        }
        if (failure instanceof LedgerTimeoutException) {
            return TIMED_OUT;
        }
        if (failure instanceof LedgerBackpressureException) {
            return BACKPRESSURE;
        }
        return CLOSED;
    }

    /** The wire status reported with a failure: the rejection's, else UNSPECIFIED. */
    static Status statusOf(LedgerException failure) {
        return failure instanceof LedgerRejectedException rejected ? rejected.status() : Status.STATUS_UNSPECIFIED;
    }
}
