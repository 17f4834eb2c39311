package dev.ledger.server.kafka;

import dev.ledger.proto.EventResult;

/**
 * Receives the outcome of one event handed to {@link KafkaEventWriter}. Called exactly once per event, from a
 * Kafka producer thread or synchronously from the caller's thread; implementations must be thread-safe and
 * must not block.
 */
public interface ResultSink {

    /** Delivers the result of the event at {@code index} of its Submit. */
    void complete(int index, EventResult result);
}
