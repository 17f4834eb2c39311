package dev.ledger.core.rules;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Where {@link Ledger#decideInto} leaves one decision: its protobuf {@code Decision} encoding in a reused, growable
 * buffer ({@link #buffer()} up to {@link #length()}), and the facts the core's loop reports without parsing it back.
 * Reused from decision to decision; not thread-safe.
 */
public final class DecisionOut {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf = new byte[512];
    private int length;
    int outcome;
    int reasonCode;
    boolean duplicate;

    /** The encoding is {@code buffer()[0 .. length())}; valid until the next decision into this object. */
    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    /** A copy of the encoding, e.g. for a Kafka record. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    /** The decision's outcome number ({@code Outcome}). */
    public int outcome() {
        return outcome;
    }

    /** The decision's reason number ({@code ReasonCode}). */
    public int reasonCode() {
        return reasonCode;
    }

    public boolean duplicate() {
        return duplicate;
    }

    // ------------------------------------------------------------------------------------------------- writing
    // The encoder reserves room for a whole decision once, then writes at a position it keeps in a local variable:
    // each helper takes the position and returns the one after what it wrote, without checking for room.

    /** The buffer, with room for at least {@code bytes} from its start; the previous encoding is dropped. */
    byte[] reserve(int bytes) {
        length = 0;
        if (buf.length < bytes) {
            buf = new byte[Math.max(buf.length * 2, bytes)];
        }
        return buf;
    }

    /** Ends the encoding written into {@link #reserve}'s buffer at {@code end}. */
    void end(int end) {
        length = end;
    }

    static int tag(byte[] b, int p, int field, int wireType) {
        return varint(b, p, field << 3 | wireType);
    }

    static int varint(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    static int fixed64(byte[] b, int p, long v) {
        LONGS.set(b, p, v);
        return p + 8;
    }

    /** A length-delimited field with the given bytes; nothing for an empty string (proto3 default). */
    static int string(byte[] b, int p, int field, byte[] src, int off, int len) {
        if (len == 0) {
            return p;
        }
        p = varint(b, tag(b, p, field, 2), len);
        System.arraycopy(src, off, b, p, len);
        return p + len;
    }

    static int string(byte[] b, int p, int field, byte[] src) {
        return string(b, p, field, src, 0, src.length);
    }

    /** Bytes of {@link #string} for the same field, if the field number is below 16. */
    static int stringSize(int len) {
        return len == 0 ? 0 : 1 + varintSize(len) + len;
    }

    static int varintSize(long v) {
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7; // seven bits a byte, at least one byte
    }
}
