package dev.ledger.client;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link ClientStats}. Thread-safe: each counter is a {@link LongAdder}. */
final class StatsCounters {

    final LongAdder framesSent = new LongAdder();
    final LongAdder eventsSent = new LongAdder();
    final LongAdder eventsAccepted = new LongAdder();
    final LongAdder eventsFailed = new LongAdder();
    final LongAdder eventsRetried = new LongAdder();
    final LongAdder connectionsOpened = new LongAdder();

    ClientStats snapshot() {
        return new ClientStats(framesSent.sum(), eventsSent.sum(), eventsAccepted.sum(), eventsFailed.sum(),
                eventsRetried.sum(), connectionsOpened.sum());
    }
}
