package dev.ledger.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * The one owner of what is in flight: events taken in and not yet answered (awaited decisions included) and
 * Submits not yet fully answered (Ack written and, with {@code await_decision}, Decisions written). Each connection
 * keeps its {@link Share}; the server-wide sums move with the shares. Everyone else asks: the {@link ReadGate}
 * (is this connection's window full?), graceful shutdown (are Submits still pending?) and the
 * {@code ledger_inflight_events} gauge.
 *
 * <p>Thread-safe and shared by every connection of one server; each {@link Share} is confined to its
 * connection's event loop.
 */
final class InFlight {

    private final LongAdder events = new LongAdder();
    private final LongAdder submits = new LongAdder();

    /** A new connection's share, empty. */
    Share share() {
        return new Share();
    }

    /** Events in flight on all connections. */
    long events() {
        return events.sum();
    }

    /** Submits in flight on all connections (what graceful shutdown waits for). */
    long submits() {
        return submits.sum();
    }

    /**
     * One connection's events and Submits in flight. Counts move only forward through {@link #taken} and
     * {@link #answered}; {@link #release} drops whatever is left when the connection closes, after which nothing
     * it does counts server-wide any more. Confined to the connection's event loop.
     */
    final class Share {

        private int events;
        private int submits;
        private boolean released;

        private Share() {
        }

        /** A Submit of {@code eventCount} events was taken in. */
        void taken(int eventCount) {
            if (released) {
                return;
            }
            events += eventCount;
            submits++;
            InFlight.this.events.add(eventCount);
            InFlight.this.submits.increment();
        }

        /**
         * {@code eventCount} events were answered (they leave the window), and with {@code submitDone} their Submit
         * has nothing more to send.
         */
        void answered(int eventCount, boolean submitDone) {
            if (released) {
                return;
            }
            events -= eventCount;
            InFlight.this.events.add(-eventCount);
            if (submitDone) {
                submits--;
                InFlight.this.submits.decrement();
            }
        }

        /** The connection closed: its events and Submits no longer count anywhere. */
        void release() {
            if (released) {
                return;
            }
            released = true;
            InFlight.this.events.add(-events);
            InFlight.this.submits.add(-submits);
            events = 0;
            submits = 0;
        }

        /** This connection's events in flight. */
        int events() {
            return events;
        }

        /** This connection's Submits in flight. */
        int submits() {
            return submits;
        }
    }
}
