package dev.ledger.client;

import dev.ledger.proto.Status;

/**
 * Proof that one event is durably in Kafka (acks=all): where it was written. A future of the client completes
 * normally only with a receipt whose status is {@link Status#STATUS_ACCEPTED}; every other outcome is a
 * {@link LedgerException}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param eventId the event's id, as submitted
 * @param status always {@link Status#STATUS_ACCEPTED}
 * @param partition Kafka partition (for a snapshot, the lowest partition it was written to)
 * @param offset Kafka offset within that partition
 */
public record Receipt(String eventId, Status status, int partition, long offset) {
}
