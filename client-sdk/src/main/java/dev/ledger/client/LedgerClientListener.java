package dev.ledger.client;

import dev.ledger.proto.Status;

/**
 * Hears what a {@link LedgerClient} does, so a service can feed its own metrics library; the SDK itself measures
 * nothing and depends on none. Register one with {@link LedgerClientBuilder#listener}; every method is a no-op by
 * default, so implement only what you need ({@code ledger-client-micrometer} has a ready one for Micrometer).
 *
 * <p><b>Same facts as {@link ClientStats}.</b> Each fact is recorded in one place in the client, which counts it
 * in {@link LedgerClient#stats()} and then calls the listener, so the two never disagree: each method names the
 * counter it moves. Every event handed to the client gets exactly one {@link #eventCompleted} call, whether its
 * future completed or a blocking submit threw.
 *
 * <p><b>Threads.</b> Most methods run on the client's single I/O thread; {@link #eventCompleted} may also run on
 * the deadline timer's thread, the thread that closes the client, or the submitting thread (an event refused or
 * timed out before it was admitted), concurrently. An implementation must therefore be thread-safe, and it must
 * be quick and never block: it delays every result of the client. The listener is called before the event's
 * future completes, so by the time a future's callbacks run, its event has been reported.
 *
 * <p><b>Failures.</b> An exception thrown by a listener method is caught; the client goes on as if the method had
 * returned. It is counted in {@link ClientStats#listenerFailures()} and logged at WARN at most once a minute, with
 * its stack trace and the count so far.
 *
 * <p>Endpoints are given as {@code host:port}, as passed to {@link LedgerClientBuilder#endpoints}.
 */
public interface LedgerClientListener {

    /**
     * The client was built and started: called once, on the thread that called {@code build()}, before it returns.
     * Lets the listener read {@link LedgerClient#stats()} later (gauges); the client may already be connecting.
     */
    default void clientStarted(LedgerClient client) {
    }

    /**
     * A Submit frame carrying {@code events} events, resends included, was written to a connection.
     * ({@code framesSent + 1}, {@code eventsSent + events})
     */
    default void submitSent(String endpoint, int events) {
    }

    /**
     * The Ack of a Submit frame arrived. ({@code framesAnswered + 1})
     *
     * @param events the events the Submit carried
     * @param roundTripNanos from writing the Submit to reading its Ack
     */
    default void submitAnswered(String endpoint, int events, long roundTripNanos) {
    }

    /**
     * One event ended. ({@code eventsAccepted + 1} when {@code outcome.succeeded()}, else {@code eventsFailed + 1})
     *
     * @param status STATUS_ACCEPTED for the normal outcomes, the rejection's status for REJECTED, STATUS_UNSPECIFIED
     *     for the others
     * @param latencyNanos from the submit call to now (resends and waits for room included); 0 for an event refused
     *     at once (BACKPRESSURE, or CLOSED when submitted after close)
     */
    default void eventCompleted(EventOutcome outcome, Status status, long latencyNanos) {
    }

    /**
     * An event will be resent after its backoff: it was answered UNAVAILABLE / OVERLOADED, or DECISION_PENDING, or
     * got no answer because its connection was lost. ({@code eventsRetried + 1})
     */
    default void eventRetried() {
    }

    /**
     * A blocking {@code submit} found {@code maxInFlightEvents} events unresolved and waits for room for
     * {@code events} events (backpressure; the async twin refuses instead: {@link EventOutcome#BACKPRESSURE}).
     * Called on the submitting thread. ({@code waitsForRoom + 1})
     */
    default void waitingForRoom(int events) {
    }

    /** A connection's handshake ended in a Welcome: it carries events now. ({@code connectionsOpened + 1}) */
    default void connectionOpened(String endpoint) {
    }

    /**
     * A connection that had been opened ended: the server left (GoAway, restart), the network failed, or the client
     * closed. The client reconnects with backoff unless it is closing. ({@code connectionsLost + 1})
     */
    default void connectionLost(String endpoint, String reason) {
    }

    /**
     * A connection attempt ended before its Welcome: TCP connect refused or timed out, TLS or handshake refused, no
     * Welcome in time. The client tries again with backoff. ({@code connectFailures + 1})
     */
    default void connectFailed(String endpoint, String reason) {
    }
}
