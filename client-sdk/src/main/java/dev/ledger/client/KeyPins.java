package dev.ledger.client;

import java.util.HashMap;
import java.util.Map;

/**
 * Which connection each Kafka key is pinned to: a key is pinned from the moment one of its events is given to a
 * connection until every event of it given there is answered (Acked, or handed back by a lost connection). The
 * dispatcher sends a pinned key's events only to its connection, whose Submits the server writes in order, so
 * events of one key never overtake each other; a key with nothing unanswered is free to go to any connection.
 *
 * <p>Generic over the connection type so it can be tested on plain objects. Not thread-safe: event loop only.
 *
 * @param <C> the connection type
 */
final class KeyPins<C> {

    private static final class Pin<C> {
        final C to;
        int events;

        Pin(C to) {
            this.to = to;
        }
    }

    private final Map<String, Pin<C>> pins = new HashMap<>();

    /** The connection {@code key} is pinned to, or null when it is free. */
    C pinnedTo(String key) {
        Pin<C> pin = pins.get(key);
        return pin == null ? null : pin.to;
    }

    /**
     * Counts one more event of {@code key} given to {@code to}.
     *
     * @throws IllegalStateException if the key is pinned to another connection (a dispatcher bug: it would reorder)
     */
    void pin(String key, C to) {
        Pin<C> pin = pins.computeIfAbsent(key, k -> new Pin<>(to));
        if (pin.to != to) {
            throw new IllegalStateException("key " + key + " is pinned to another connection");
        }
        pin.events++;
    }

    /** One event of {@code key} is answered; the key is free once none is left. */
    void release(String key) {
        Pin<C> pin = pins.get(key);
        if (pin != null && --pin.events == 0) {
            pins.remove(key);
        }
    }

    /** Keys pinned now. */
    int size() {
        return pins.size();
    }

    void clear() {
        pins.clear();
    }
}
