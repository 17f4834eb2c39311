package dev.ledger.client;

import dev.ledger.proto.MutationEvent;

/**
 * The Kafka key an event will be written under, which is what per-key order is about: events with the same key go
 * to the same partition, so the client keeps them in submit order. The rule is the server's (its
 * {@code KafkaEventWriter.key}, and the key column of docs/PROTOCOL.md); it is restated here because the SDK must not
 * depend on the server (which brings Kafka along), and the wire schema module holds no hand-written Java. Keep the
 * three in step. Pure function; thread-safe.
 */
final class EventKeys {

    private EventKeys() {
    }

    /**
     * Transfer: the payer; TopUp and CreateAccount: the account; anything else (a Snapshot, which the server writes
     * to every partition, or an event without a body, which it rejects): the event id, a key of its own.
     */
    static String of(MutationEvent event) {
        return switch (event.getBodyCase()) {
            case TRANSFER -> event.getTransfer().getPayerAccountId();
            case TOP_UP -> event.getTopUp().getAccountId();
            case CREATE_ACCOUNT -> event.getCreateAccount().getAccountId();
            default -> event.getEventId();
        };
    }
}
