package dev.ledger.core.rules;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), the rule protobuf
 * applies to a proto3 string field when it parses one. Thread-safe (stateless).
 */
final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    static boolean isValid(byte[] b, int from, int to) {
        // ASCII, the common case: eight bytes at a time, the tail as one masked word when the array has room.
        int i = from;
        while (to - i >= 8 && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
            i += 8;
        }
        if (to - i < 8 && i + 8 <= b.length && ((long) LONGS.get(b, i) & ~(-1L << 8 * (to - i)) & HIGH_BITS) == 0) {
            return true;
        }
        while (i < to && b[i] >= 0) {
            i++;
        }
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xC2) {
                return false; // a continuation byte first, or an overlong two-byte form
            }
            if (c < 0xE0) {
                if (i + 1 >= to || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= to) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if (!continuation(b[i + 1]) || c == 0xE0 && c1 < 0xA0 || c == 0xED && c1 >= 0xA0
                        || !continuation(b[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= to) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if (!continuation(b[i + 1]) || c == 0xF0 && c1 < 0x90 || c == 0xF4 && c1 >= 0x90
                        || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
