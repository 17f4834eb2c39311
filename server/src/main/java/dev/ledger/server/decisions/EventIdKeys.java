package dev.ledger.server.decisions;

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

    /** Characters of a UUID in the canonical form. */
    static final int UUID_LENGTH = 36;

    /** The nibble of a lowercase hex digit, -1 for any other byte (so a group holding one reads negative). */
    private static final int[] NIBBLE = new int[256];

    static {
        java.util.Arrays.fill(NIBBLE, -1);
        for (int c = '0'; c <= '9'; c++) {
            NIBBLE[c] = c - '0';
        }
        for (int c = 'a'; c <= 'f'; c++) {
            NIBBLE[c] = c - 'a' + 10;
        }
    }

    private EventIdKeys() {
    }

    /** True if {@code id} is a UUID in the canonical lowercase form. */
    static boolean isUuid(String id) {
        return id.length() == UUID_LENGTH && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-'
                && id.charAt(23) == '-' && groupsValid(id);
    }

    /** True if {@code bytes[start .. start + length)} is a UUID in the canonical lowercase form. */
    static boolean isUuid(byte[] bytes, int start, int length) {
        return length == UUID_LENGTH && bytes[start + 8] == '-' && bytes[start + 13] == '-'
                && bytes[start + 18] == '-' && bytes[start + 23] == '-' && groupsValid(bytes, start);
    }

    /** The first 64 bits of a UUID-shaped {@code id} ({@link #isUuid(String)} true). */
    static long high(String id) {
        return (long) group(id, 0) << 48 | (long) group(id, 4) << 32 | (long) group(id, 9) << 16 | group(id, 14);
    }

    /** The last 64 bits of a UUID-shaped {@code id} ({@link #isUuid(String)} true). */
    static long low(String id) {
        return (long) group(id, 19) << 48 | (long) group(id, 24) << 32 | (long) group(id, 28) << 16
                | group(id, 32);
    }

    /** The first 64 bits of the UUID-shaped id at {@code bytes[start]}. */
    static long high(byte[] bytes, int start) {
        return (long) group(bytes, start) << 48 | (long) group(bytes, start + 4) << 32
                | (long) group(bytes, start + 9) << 16 | group(bytes, start + 14);
    }

    /** The last 64 bits of the UUID-shaped id at {@code bytes[start]}. */
    static long low(byte[] bytes, int start) {
        return (long) group(bytes, start + 19) << 48 | (long) group(bytes, start + 24) << 32
                | (long) group(bytes, start + 28) << 16 | group(bytes, start + 32);
    }

    private static boolean groupsValid(String id) {
        return (group(id, 0) | group(id, 4) | group(id, 9) | group(id, 14) | group(id, 19) | group(id, 24)
                | group(id, 28) | group(id, 32)) >= 0;
    }

    private static boolean groupsValid(byte[] bytes, int start) {
        return (group(bytes, start) | group(bytes, start + 4) | group(bytes, start + 9) | group(bytes, start + 14)
                | group(bytes, start + 19) | group(bytes, start + 24) | group(bytes, start + 28)
                | group(bytes, start + 32)) >= 0;
    }

    /** Four hex digits at {@code at} as 16 bits; negative if one is not a lowercase hex digit. */
    private static int group(String id, int at) {
        return nibble(id.charAt(at)) << 12 | nibble(id.charAt(at + 1)) << 8 | nibble(id.charAt(at + 2)) << 4
                | nibble(id.charAt(at + 3));
    }

    private static int group(byte[] bytes, int at) {
        return NIBBLE[bytes[at] & 0xFF] << 12 | NIBBLE[bytes[at + 1] & 0xFF] << 8 | NIBBLE[bytes[at + 2] & 0xFF] << 4
                | NIBBLE[bytes[at + 3] & 0xFF];
    }

    private static int nibble(char c) {
        return c < NIBBLE.length ? NIBBLE[c] : -1;
    }
}
