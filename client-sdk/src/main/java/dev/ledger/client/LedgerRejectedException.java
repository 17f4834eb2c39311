package dev.ledger.client;

import dev.ledger.proto.Status;

/**
 * The server refused the event for good: {@link Status#STATUS_INVALID} (it failed validation; the reason names the
 * field) or {@link Status#STATUS_UNAUTHENTICATED} (not allowed with the configured token). Never retried by the
 * client; retrying the same event would get the same answer. Also used for an event the client itself can tell the
 * server would refuse (larger than the server's maximum frame).
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerRejectedException extends LedgerException {

    private final String eventId;
    private final Status status;
    private final String reason;

    /**
     * @param eventId id of the refused event
     * @param status STATUS_INVALID or STATUS_UNAUTHENTICATED
     * @param reason the server's reason text
     */
    public LedgerRejectedException(String eventId, Status status, String reason) {
        super("event " + eventId + " rejected: " + status + " (" + reason + ")");
        this.eventId = eventId;
        this.status = status;
        this.reason = reason;
    }

    /** @return id of the refused event */
    public String eventId() {
        return eventId;
    }

    /** @return why: {@link Status#STATUS_INVALID} or {@link Status#STATUS_UNAUTHENTICATED} */
    public Status status() {
        return status;
    }

    /** @return the server's reason, e.g. naming the invalid field */
    public String reason() {
        return reason;
    }
}
