package dev.ledger.client;

/**
 * A snapshot of a client's counters since it was built, read without locks (each counter is exact, the set is
 * not one atomic cut). {@code framesSent < eventsSent} shows that batching is at work.
 *
 * <p>Immutable and thread-safe.
 *
 * @param framesSent Submit frames written to sockets
 * @param eventsSent events written inside those frames, resends included
 * @param eventsAccepted futures completed with an ACCEPTED receipt
 * @param eventsFailed futures completed exceptionally (rejected, timed out, closed, backpressure)
 * @param eventsRetried resends scheduled after UNAVAILABLE / OVERLOADED or a lost connection
 * @param connectionsOpened handshakes that ended in a Welcome
 */
public record ClientStats(long framesSent, long eventsSent, long eventsAccepted, long eventsFailed,
                          long eventsRetried, long connectionsOpened) {
}
