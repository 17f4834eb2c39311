package dev.ledger.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Gives the {@link Dispatcher}'s ready events to connections, in order: an event whose Kafka key is pinned
 * ({@link KeyPins}) goes to its key's connection, whatever that connection's room; any other goes to the sticky
 * connection ({@link StickyCursor}), and waits in the ready queue when no connection has room. What a connection
 * was given waits here, in order, until the dispatcher writes it; a key stays pinned until each of its events given
 * to the connection is answered ({@link #answered}).
 *
 * <p>Not thread-safe: event loop only.
 */
final class KeyRouter {

    private final List<ConnectionSlot> slots;
    private final int maxEventsPerBatch;
    private final KeyPins<Connection> pins = new KeyPins<>();
    /** Events given to a connection and not yet written to it, per connection, in order. */
    private final Map<Connection, ArrayDeque<PendingEvent>> given = new IdentityHashMap<>();
    private final StickyCursor cursor;

    KeyRouter(List<ConnectionSlot> slots, int maxEventsPerBatch, int connectionsPerEndpoint) {
        this.slots = slots;
        this.maxEventsPerBatch = maxEventsPerBatch;
        this.cursor = new StickyCursor(connectionsPerEndpoint);
    }

    /** Gives events from the head of {@code ready} to connections until it is empty or no connection has room. */
    void route(ArrayDeque<PendingEvent> ready) {
        // The queue of the connection given to last: consecutive events mostly go to the same one.
        Connection last = null;
        ArrayDeque<PendingEvent> lastQueue = null;
        while (!ready.isEmpty()) {
            PendingEvent event = ready.peekFirst();
            if (event.isDone()) {
                ready.pollFirst();
                continue;
            }
            KeyPins.Pin<Connection> pin = pins.pinOf(event.key); // the one look-up of the key
            Connection to;
            if (pin != null) {
                to = pin.to;
            } else {
                to = stickyConnection();
                if (to == null) {
                    return; // no connection has room: the rest waits, in order
                }
                cursor.given(BatchBuilder.encodedSize(event));
            }
            ready.pollFirst();
            if (to != last) {
                last = to;
                lastQueue = given.computeIfAbsent(to, c -> new ArrayDeque<>());
            }
            lastQueue.addLast(event);
            event.pin = pins.pin(event.key, pin, to);
        }
    }

    /** The sticky connection, or null when no connection has room. */
    private Connection stickyConnection() {
        int index = cursor.choose(slots.size(), this::hasRoom,
                i -> submitEvents(slots.get(i).current()),
                i -> slots.get(i).current().maxFrameBytes - BatchBuilder.FRAME_OVERHEAD_BYTES);
        return index < 0 ? null : slots.get(index).current();
    }

    private boolean hasRoom(int slot) {
        Connection connection = slots.get(slot).usable();
        return connection != null && room(connection) > 0;
    }

    /** Most events in one Submit on {@code connection}: the client's batch size or the server's limit. */
    int submitEvents(Connection connection) {
        return Math.min(maxEventsPerBatch, connection.maxEventsPerSubmit);
    }

    /** Events a connection can still be given: its window, less what was given to it and not yet written. */
    private int room(Connection connection) {
        ArrayDeque<PendingEvent> waiting = given.get(connection);
        return connection.capacity() - (waiting == null ? 0 : waiting.size());
    }

    /** Per connection, what it was given and is not yet written; the dispatcher takes from the queues. */
    Iterator<Map.Entry<Connection, ArrayDeque<PendingEvent>>> givenQueues() {
        return given.entrySet().iterator();
    }

    /**
     * Events given to a connection that closed before they were written go back to the head of {@code ready}, in
     * their order, their keys unpinned: they were never sent, so they are not resends.
     */
    void reclaimFromClosed(ArrayDeque<PendingEvent> ready) {
        var it = given.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            if (entry.getKey().state() != Connection.State.CLOSED) {
                continue;
            }
            ArrayDeque<PendingEvent> queue = entry.getValue(); // before remove(): the entry is dead after it
            it.remove();
            var back = queue.descendingIterator();
            while (back.hasNext()) {
                PendingEvent event = back.next();
                answered(event);
                ready.addFirst(event);
            }
        }
    }

    /** The event is answered (or never will be on its connection): its key may move once none of it is left. */
    void answered(PendingEvent event) {
        KeyPins.Pin<Connection> pin = event.pin;
        if (pin != null) {
            event.pin = null;
            pins.release(pin); // no look-up unless it was the key's last unanswered event
        }
    }

    /** Events given to connections and not written. */
    int held() {
        int n = 0;
        for (ArrayDeque<PendingEvent> queue : given.values()) {
            n += queue.size();
        }
        return n;
    }

    /** Removes and returns every event given and not written, their keys unpinned. */
    List<PendingEvent> takeGiven() {
        List<PendingEvent> all = new ArrayList<>(held());
        for (ArrayDeque<PendingEvent> queue : given.values()) {
            for (PendingEvent event : queue) {
                answered(event);
                all.add(event);
            }
        }
        given.clear();
        return all;
    }

    /** Forgets every pin, for close(). */
    void clearPins() {
        pins.clear();
    }
}
