package dev.ledger.client;

import dev.ledger.proto.Status;

/**
 * The server refused the event for good: {@link Status#STATUS_INVALID} (it failed validation; the reason names the
 * field) or {@link Status#STATUS_UNAUTHENTICATED} (not allowed with the configured token, per event or because every
 * endpoint refused the handshake: its token, or TLS — an untrusted, expired or misnamed server certificate, a
 * refused client certificate; the reason says which), or {@link Status#STATUS_PERMISSION_DENIED} (the event is
 * outside the permissions of the principal the server authenticated; the reason names the rule). Never retried by the client; retrying the same event would get the same
 * answer. Also used for an event the client itself can tell the server would refuse (larger than the server's
 * maximum frame), and with {@link Status#STATUS_UNSPECIFIED} for a protocol error no resend fixes: a result carrying
 * the UNSPECIFIED status (never sent by a correct server), or every endpoint refusing the handshake's protocol
 * version. The reason says which.
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerRejectedException extends LedgerException {

    private final String eventId;
    private final Status status;
    private final String reason;

    /**
     * @param eventId id of the refused event
     * @param status STATUS_INVALID, STATUS_UNAUTHENTICATED, STATUS_PERMISSION_DENIED, or STATUS_UNSPECIFIED for
     *     a protocol error
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

    /**
     * @return why: {@link Status#STATUS_INVALID}, {@link Status#STATUS_UNAUTHENTICATED},
     *     {@link Status#STATUS_PERMISSION_DENIED}, or
     *     {@link Status#STATUS_UNSPECIFIED} for a protocol error (see {@link #reason()})
     */
    public Status status() {
        return status;
    }

    /** @return the server's reason, e.g. naming the invalid field */
    public String reason() {
        return reason;
    }
}
