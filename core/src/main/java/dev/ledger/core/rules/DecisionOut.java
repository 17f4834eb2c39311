package dev.ledger.core.rules;

import java.util.Arrays;

/**
 * Where {@link Ledger#decideInto} leaves one decision: its protobuf {@code Decision} encoding in a reused, growable
 * buffer ({@link #buffer()} up to {@link #length()}), and the facts the core's loop reports without parsing it back.
 * Reused from decision to decision; not thread-safe.
 */
public final class DecisionOut {

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

    void reset() {
        length = 0;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }

    void tag(int field, int wireType) {
        varint(field << 3 | wireType);
    }

    void varint(long v) {
        if (length + 10 > buf.length) {
            ensure(10);
        }
        byte[] b = buf;
        int p = length;
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        length = p;
    }

    void fixed64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[length++] = (byte) (v >>> (8 * i));
        }
    }

    void bytes(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, length, len);
        length += len;
    }

    /** A length-delimited field with the given bytes; nothing for an empty string (proto3 default). */
    void string(int field, byte[] src, int off, int len) {
        if (len > 0) {
            tag(field, 2);
            varint(len);
            bytes(src, off, len);
        }
    }

    void string(int field, byte[] src) {
        string(field, src, 0, src.length);
    }

    /** Bytes of {@link #string} for the same field, if the field number is below 16. */
    static int stringSize(int len) {
        return len == 0 ? 0 : 1 + varintSize(len) + len;
    }

    static int varintSize(long v) {
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7; // seven bits a byte, at least one byte
    }
}
