package dev.ledger.server.kafka;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Builds {@link EventResult}s. {@link #fromThrowable} is the one place where a failure becomes a status.
 * Thread-safe (stateless).
 */
public final class EventResults {

    private EventResults() {
    }

    public static EventResult accepted(String eventId, int partition, long offset) {
        return EventResult.newBuilder().setEventId(eventId).setStatus(Status.STATUS_ACCEPTED)
                .setPartition(partition).setOffset(offset).build();
    }

    public static EventResult of(String eventId, Status status, String reason) {
        return EventResult.newBuilder().setEventId(eventId).setStatus(status).setReason(reason).build();
    }

    /**
     * Maps any failure of a Kafka write to the event's result. A full producer buffer is OVERLOADED (retry with
     * backoff). Records Kafka can never take (too large, rejected as invalid by the broker) are INVALID and must
     * not be retried; everything else (timeouts, lost brokers,
     * a closed producer, unexpected errors) is UNAVAILABLE: the event was not stored, retry with the same event_id.
     */
    public static EventResult fromThrowable(String eventId, Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure instanceof BufferExhaustedException) {
            return of(eventId, Status.STATUS_OVERLOADED, "Kafka producer buffer is full: " + message + "; retry with backoff");
        }
        if (failure instanceof RecordTooLargeException || failure instanceof InvalidRecordException) {
            return of(eventId, Status.STATUS_INVALID, "rejected by Kafka: " + message);
        }
        return of(eventId, Status.STATUS_UNAVAILABLE, "Kafka write failed: " + message);
    }

    /** Whether a failure says Kafka itself is unreachable or slow (feeds the circuit), not that one record is bad. */
    public static boolean isKafkaUnavailable(Throwable failure) {
        if (failure instanceof BufferExhaustedException) {
            return false;
        }
        return failure instanceof RetriableException || !(failure instanceof org.apache.kafka.common.errors.ApiException);
    }
}
