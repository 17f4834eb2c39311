package dev.ledger.client;

/**
 * Base of every failure the client reports for a submitted event. Unchecked; delivered through
 * {@link java.util.concurrent.CompletableFuture#completeExceptionally} by the async methods and thrown by the
 * blocking ones. Bad arguments are reported separately, synchronously, as {@link IllegalArgumentException}.
 *
 * <p>Which subclasses are worth retrying by the application: {@link LedgerTimeoutException} and
 * {@link LedgerBackpressureException} (retry later with the SAME event id; the server side is idempotent by id
 * downstream), {@link LedgerClosedException} only with a new client; {@link LedgerRejectedException} never.
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract class LedgerException extends RuntimeException {

    /** @param message human-readable description, naming the event id where there is one */
    protected LedgerException(String message) {
        super(message);
    }

    /** @param message human-readable description; @param cause the underlying failure, may be null */
    protected LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
