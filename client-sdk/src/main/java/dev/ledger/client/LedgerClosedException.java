package dev.ledger.client;

/**
 * The client was closed: either the event was submitted after {@link LedgerClient#close()} began, or it was still
 * unresolved when close's bounded wait ran out. In the second case the event MAY have reached Kafka.
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerClosedException extends LedgerException {

    /** @param message what was refused or abandoned */
    public LedgerClosedException(String message) {
        super(message);
    }
}
