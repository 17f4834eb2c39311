package dev.ledger.core.rules;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Parses the canonical lowercase UUID text form ({@code 8-4-4-4-12} hex digits, 36 chars) into two longs without
 * allocating. Other spellings (upper case, no dashes) are not UUID-shaped here: they are kept as text, so two ids
 * that differ as strings never collapse into one. The one owner of that rule: the ledger's id tables and the ingest
 * server's decision routing both key ids by it. Thread-safe (stateless).
 */
public final class Uuids {

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

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    private Uuids() {
    }

    /**
     * Parses the 32 hex digits of the canonical UUID text at {@code b[o .. o + 36)} into {@code into[at]} (msb) and
     * {@code into[at + 1]} (lsb), eight digits at a time; false (and {@code into} unspecified) when one is not a
     * lowercase hex digit. The caller checks the four dashes.
     */
    static boolean parse(byte[] b, int o, long[] into, int at) {
        long a = hex8((long) LONGS.get(b, o));
        long c = hex8(twoInts(b, o + 9, o + 14));
        long d = hex8(twoInts(b, o + 19, o + 24));
        long e = hex8((long) LONGS.get(b, o + 28));
        into[at] = a << 32 | c;
        into[at + 1] = d << 32 | e;
        return (a | c | d | e) >= 0;
    }

    /** True if {@code b[o .. o + length)} is a UUID in the canonical lowercase text form (as ASCII bytes). */
    public static boolean isUuid(byte[] b, int o, int length) {
        return length == 36 && b[o + 8] == '-' && b[o + 13] == '-' && b[o + 18] == '-' && b[o + 23] == '-'
                && (hex8((long) LONGS.get(b, o)) | hex8(twoInts(b, o + 9, o + 14)) | hex8(twoInts(b, o + 19, o + 24))
                        | hex8((long) LONGS.get(b, o + 28))) >= 0;
    }

    /** The high 64 bits of the UUID text at {@code b[o]}; only where {@link #isUuid(byte[], int, int)} accepted. */
    public static long msb(byte[] b, int o) {
        return hex8((long) LONGS.get(b, o)) << 32 | hex8(twoInts(b, o + 9, o + 14));
    }

    /** The low 64 bits of the UUID text at {@code b[o]}; only where {@link #isUuid(byte[], int, int)} accepted. */
    public static long lsb(byte[] b, int o) {
        return hex8(twoInts(b, o + 19, o + 24)) << 32 | hex8((long) LONGS.get(b, o + 28));
    }

    private static long twoInts(byte[] b, int first, int second) {
        return (int) INTS.get(b, first) & 0xFFFFFFFFL | (long) (int) INTS.get(b, second) << 32;
    }

    /** Eight ASCII hex digits (the first in the low byte) as a 32-bit value, or -1 if one is not [0-9a-f]. */
    private static long hex8(long w) {
        // Per byte x < 0x80 no sum carries into the next byte: bit 7 of x + (0x80 - lo) says x >= lo.
        long digit = (w + 0x50 * ONES) & ~(w + 0x46 * ONES); // '0' <= x <= '9'
        long letter = (w + 0x1F * ONES) & ~(w + 0x19 * ONES); // 'a' <= x <= 'f'
        if ((w & HIGH_BITS) != 0 || ((digit | letter) & HIGH_BITS) != HIGH_BITS) {
            return -1;
        }
        long v = (w & 0x0F * ONES) + 9 * (w >>> 6 & ONES); // each byte's digit value; letters have bit 6 set
        v = Long.reverseBytes(v); // the first digit is the most significant
        v = (v | v >>> 4) & 0x00FF00FF00FF00FFL;
        v = (v | v >>> 8) & 0x0000FFFF0000FFFFL;
        return (v | v >>> 16) & 0xFFFFFFFFL;
    }

    /** True if {@code s} is a UUID in the canonical lowercase text form. */
    public static boolean isUuid(String s) {
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
    public static long msb(String s) {
        return bits(s, 0, 18);
    }

    /** The low 64 bits (the last two groups, 16 hex digits); only for a string {@link #isUuid} accepted. */
    public static long lsb(String s) {
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
