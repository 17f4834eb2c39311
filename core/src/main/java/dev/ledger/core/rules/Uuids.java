package dev.ledger.core.rules;

/**
 * Parses the canonical lowercase UUID text form ({@code 8-4-4-4-12} hex digits, 36 chars) into two longs without
 * allocating. Other spellings (upper case, no dashes) are not UUID-shaped here: they are kept as text, so two ids
 * that differ as strings never collapse into one. Thread-safe (stateless).
 */
final class Uuids {

    /** Value of each byte (or char below 256) as a lowercase hex digit, or -1; shared with {@link MutationView}. */
    static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
        }
    }

    private Uuids() {
    }

    static boolean isUuid(String s) {
        if (s.length() != 36 || s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-') {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            if (i != 8 && i != 13 && i != 18 && i != 23 && hex(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The high 64 bits (the first three groups, 16 hex digits); only for a string {@link #isUuid} accepted. */
    static long msb(String s) {
        return bits(s, 0, 18);
    }

    /** The low 64 bits (the last two groups, 16 hex digits); only for a string {@link #isUuid} accepted. */
    static long lsb(String s) {
        return bits(s, 19, 36);
    }

    private static long bits(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '-') {
                v = v << 4 | hex(c);
            }
        }
        return v;
    }

    static String format(long msb, long lsb) {
        return new java.util.UUID(msb, lsb).toString();
    }

    private static int hex(char c) {
        return c < HEX.length ? HEX[c] : -1;
    }
}
