package dev.ledger.server.kafka;

import dev.ledger.proto.EventResult;

/**
 * Receives the outcome of one event handed to {@link KafkaEventWriter}. Called exactly once per event, from a
 * Kafka producer thread or synchronously from the caller's thread; implementations must be thread-safe and
 * must not block.
 *
 * <p>An ACCEPTED event arrives through {@link #accepted}, which a sink that keeps results as primitives overrides
 * to take them without building an {@link EventResult}; every other outcome is rare and arrives as an object
 * through {@link #complete}.
 */
public interface ResultSink {

    /** Delivers the result of the event at {@code index} of its Submit. */
    void complete(int index, EventResult result);

    /** Delivers an ACCEPTED result: the event is stored at this partition and offset. */
    default void accepted(int index, String eventId, int partition, long offset) {
        complete(index, EventResults.accepted(eventId, partition, offset));
    }
}
