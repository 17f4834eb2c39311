package dev.ledger.client;

import java.util.List;
import java.util.function.Supplier;

/**
 * The validated, immutable settings of one client, produced by {@link LedgerClientBuilder#build()}. Durations are
 * held in nanoseconds so the hot path does no conversions.
 *
 * @param authToken asked for the token at every handshake, on the I/O thread
 * @param tls null for plaintext
 * @param listener told each fact the client records; {@link Recorder#NO_LISTENER} when none was registered
 * @param strictKeyOrder hold a key's later events while an earlier one is unsettled ({@link KeyGate})
 */
record ClientSettings(
        List<Endpoint> endpoints,
        Supplier<String> authToken,
        String clientName,
        int maxInFlightEvents,
        long requestTimeoutNanos,
        long connectTimeoutNanos,
        long lingerNanos,
        int maxEventsPerBatch,
        long retryBackoffInitialNanos,
        long retryBackoffMaxNanos,
        int connectionsPerEndpoint,
        ClientTls tls,
        LedgerClientListener listener,
        boolean strictKeyOrder) {

    /** Protocol version sent in Hello. */
    static final int PROTOCOL_VERSION = 1;

    ClientSettings {
        endpoints = List.copyOf(endpoints);
    }

    /** Without strict key order. */
    ClientSettings(List<Endpoint> endpoints, Supplier<String> authToken, String clientName, int maxInFlightEvents,
            long requestTimeoutNanos, long connectTimeoutNanos, long lingerNanos, int maxEventsPerBatch,
            long retryBackoffInitialNanos, long retryBackoffMaxNanos, int connectionsPerEndpoint, ClientTls tls,
            LedgerClientListener listener) {
        this(endpoints, authToken, clientName, maxInFlightEvents, requestTimeoutNanos, connectTimeoutNanos, lingerNanos, maxEventsPerBatch, retryBackoffInitialNanos,
                retryBackoffMaxNanos, connectionsPerEndpoint, tls, listener, false);
    }
}
