package dev.ledger.client;

/**
 * A snapshot of a client's counters since it was built, read without locks (each counter is exact, the set is
 * not one atomic cut). {@code framesSent < eventsSent} shows that batching is at work. A registered
 * {@link LedgerClientListener} hears each of these facts as it is counted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param framesSent Submit frames written to sockets
 * @param eventsSent events written inside those frames, resends included
 * @param framesAnswered Acks received for those frames
 * @param eventsAccepted events completed normally: an ACCEPTED receipt, or a decision (applied or rejected)
 * @param eventsFailed events failed: rejected, timed out (a blocking submit's wait for room included), closed,
 *     backpressure
 * @param eventsRetried resends scheduled after UNAVAILABLE / OVERLOADED / DECISION_PENDING or a lost connection
 * @param waitsForRoom blocking submits that found maxInFlightEvents unresolved and waited for room
 * @param connectionsOpened handshakes that ended in a Welcome
 * @param connectionsLost opened connections that ended (server left, network failure, client closed)
 * @param connectFailures connection attempts that ended before a Welcome
 * @param listenerFailures exceptions thrown by the {@link LedgerClientListener}, caught
 * @param eventsInFlight events admitted and not yet resolved now (at most maxInFlightEvents)
 */
public record ClientStats(long framesSent, long eventsSent, long framesAnswered, long eventsAccepted,
                          long eventsFailed, long eventsRetried, long waitsForRoom, long connectionsOpened,
                          long connectionsLost, long connectFailures, long listenerFailures, int eventsInFlight) {

    /** Connections open now (welcomed and not yet lost): {@code connectionsOpened - connectionsLost}. */
    public long connectionsOpen() {
        return connectionsOpened - connectionsLost;
    }
}
