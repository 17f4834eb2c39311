package dev.ledger.client;

/**
 * {@link LedgerClient#submitAsync} found {@code maxInFlightEvents} events already unresolved and refused the new
 * one(s) at once instead of blocking the caller or queueing without bound. Nothing was sent. Retry after some
 * futures complete, or use the blocking {@code submit}, which waits for room up to the deadline.
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerBackpressureException extends LedgerException {

    /** @param message how many events were refused and the limit */
    public LedgerBackpressureException(String message) {
        super(message);
    }
}
