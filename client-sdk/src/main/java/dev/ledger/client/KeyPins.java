package dev.ledger.client;

import java.util.HashMap;
import java.util.Map;

/**
 * Which connection each Kafka key is pinned to: a key is pinned from the moment one of its events is given to a
 * connection until every event of it given there is answered (Acked, or handed back by a lost connection). The
 * dispatcher sends a pinned key's events only to its connection, whose Submits the server writes in order, so
 * events of one key never overtake each other; a key with nothing unanswered is free to go to any connection.
 *
 * <p>Each event given under a key holds the key's {@link Pin} until it is answered, so routing an event costs one
 * map look-up ({@link #pinOf}, whose result {@link #pin} reuses) and answering one costs none, unless it was the
 * key's last unanswered event. A pin that left the map (its count reached zero, or {@link #clear}) is dead: releasing
 * it never touches the map, where the key may meanwhile hold a newer pin.
 *
 * <p>Generic over the connection type so it can be tested on plain objects. Not thread-safe: event loop only.
 *
 * @param <C> the connection type
 */
final class KeyPins<C> {

    /** One key pinned to one connection, and how many of its events there are unanswered. */
    static final class Pin<C> {
        final String key;
        final C to;
        private int events;
        /** In the map: false once its count reached zero or the map was cleared. */
        private boolean live = true;

        private Pin(String key, C to) {
            this.key = key;
            this.to = to;
        }

        /** Unanswered events holding this pin. */
        int events() {
            return events;
        }
    }

    private final Map<String, Pin<C>> pins = new HashMap<>();

    /** The pin {@code key} holds now, or null when it is free. */
    Pin<C> pinOf(String key) {
        return pins.get(key);
    }

    /** The connection {@code key} is pinned to, or null when it is free. */
    C pinnedTo(String key) {
        Pin<C> pin = pins.get(key);
        return pin == null ? null : pin.to;
    }

    /** {@link #pin(String, Pin, Object)} after a look-up of the key's pin. */
    Pin<C> pin(String key, C to) {
        return pin(key, pins.get(key), to);
    }

    /**
     * Counts one more event of {@code key} given to {@code to}; the event holds the returned pin until
     * {@link #release}.
     *
     * @param current what {@link #pinOf} returned for {@code key} in this same event-loop turn (null: the key was
     *     free), so the key is not looked up twice
     * @throws IllegalStateException if the key is pinned to another connection (a dispatcher bug: it would reorder),
     *     or {@code current} left the map since it was looked up
     */
    Pin<C> pin(String key, Pin<C> current, C to) {
        Pin<C> pin = current;
        if (pin == null) {
            Pin<C> created = new Pin<>(key, to);
            pin = pins.putIfAbsent(key, created);
            if (pin == null) {
                pin = created;
            }
        } else if (!pin.live) {
            throw new IllegalStateException("key " + key + " was given a pin that left the map (a dispatcher bug)");
        }
        if (pin.to != to) {
            throw new IllegalStateException("key " + key + " is pinned to another connection");
        }
        pin.events++;
        return pin;
    }

    /**
     * One event holding {@code pin} is answered; its key is free once none is left. A dead pin (see the class
     * comment), or one with no event left, changes nothing in the map.
     */
    void release(Pin<C> pin) {
        if (pin.events == 0) {
            return;
        }
        if (--pin.events == 0 && pin.live) {
            pin.live = false;
            pins.remove(pin.key, pin);
        }
    }

    /** Keys pinned now. */
    int size() {
        return pins.size();
    }

    /** Forgets every pin; pins events still hold become dead. */
    void clear() {
        for (Pin<C> pin : pins.values()) {
            pin.live = false;
        }
        pins.clear();
    }
}
