package dev.ledger.server.decisions;

import dev.ledger.core.rules.Uuids;

/**
 * How the {@link DecisionRouter} keys an event id: an id in the canonical lowercase UUID form (8-4-4-4-12 hex
 * digits, as {@code java.util.UUID.toString} and the SDK write it) is keyed by its 128 bits, as two longs, read
 * straight from a String or from a journal record's bytes; any other id (uppercase hex included) is keyed by its
 * String. The mapping is one-to-one on the UUID-shaped ids, so two ids share a key only if they are equal, and an
 * id takes the same path whether it comes from a Submit (a String) or from a decision (bytes).
 *
 * <p>Stateless and thread-safe.
 */
final class EventIdKeys {

    private EventIdKeys() {
    }

    /** True if {@code id} is a UUID in the canonical lowercase form ({@link Uuids}, the rule's one owner). */
    static boolean isUuid(String id) {
        return Uuids.isUuid(id);
    }

    /** True if {@code bytes[start .. start + length)} is a UUID in the canonical lowercase form. */
    static boolean isUuid(byte[] bytes, int start, int length) {
        return Uuids.isUuid(bytes, start, length);
    }

    /** The first 64 bits of a UUID-shaped {@code id} ({@link #isUuid(String)} true). */
    static long high(String id) {
        return Uuids.msb(id);
    }

    /** The last 64 bits of a UUID-shaped {@code id} ({@link #isUuid(String)} true). */
    static long low(String id) {
        return Uuids.lsb(id);
    }

    /** The first 64 bits of the UUID-shaped id at {@code bytes[start]}. */
    static long high(byte[] bytes, int start) {
        return Uuids.msb(bytes, start);
    }

    /** The last 64 bits of the UUID-shaped id at {@code bytes[start]}. */
    static long low(byte[] bytes, int start) {
        return Uuids.lsb(bytes, start);
    }
}
