package dev.ledger.client;

/**
 * The event's deadline ({@code requestTimeout} after it was submitted) passed before the server accepted it:
 * the client kept retrying UNAVAILABLE / OVERLOADED results or lost connections, or never got a connection at
 * all. The message names the last status and reason seen. The event MAY still have reached Kafka (an Ack can be
 * lost with its connection); resubmitting it with the same event id is the safe retry.
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerTimeoutException extends LedgerException {

    /** @param message what timed out and the last outcome seen */
    public LedgerTimeoutException(String message) {
        super(message);
    }
}
