package dev.ledger.client;

import java.util.List;

/**
 * The validated, immutable settings of one client, produced by {@link LedgerClientBuilder#build()}. Durations are
 * held in nanoseconds so the hot path does no conversions.
 */
record ClientSettings(
        List<Endpoint> endpoints,
        String authToken,
        String clientName,
        int maxInFlightEvents,
        long requestTimeoutNanos,
        long connectTimeoutNanos,
        long lingerNanos,
        int maxEventsPerBatch,
        long retryBackoffInitialNanos,
        long retryBackoffMaxNanos,
        int connectionsPerEndpoint) {

    /** Protocol version sent in Hello. */
    static final int PROTOCOL_VERSION = 1;

    ClientSettings {
        endpoints = List.copyOf(endpoints);
    }
}
