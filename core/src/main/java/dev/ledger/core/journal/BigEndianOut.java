package dev.ledger.core.journal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The writes of {@link java.io.DataOutputStream} that {@link SnapshotCodec} uses, byte for byte the same (big-endian
 * numbers, modified UTF-8 strings behind a two-byte length), into a buffer of its own that goes to the sink in
 * large writes. A snapshot writes millions of small fields while the core's loop waits: through
 * {@code DataOutputStream} each is a call into the sink; here each is a store into an array.
 *
 * <p>Not thread-safe; {@link #flush()} before the sink is used.
 */
final class BigEndianOut {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream sink;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int filled;

    BigEndianOut(OutputStream sink) {
        this.sink = sink;
    }

    /** Makes room for {@code bytes} (at most {@link #BUFFER_BYTES}) in the buffer. */
    private void room(int bytes) throws IOException {
        if (filled + bytes > BUFFER_BYTES) {
            drain();
        }
    }

    void writeByte(int v) throws IOException {
        room(1);
        buffer[filled++] = (byte) v;
    }

    void writeInt(int v) throws IOException {
        room(4);
        INT.set(buffer, filled, v);
        filled += 4;
    }

    void writeLong(long v) throws IOException {
        room(8);
        LONG.set(buffer, filled, v);
        filled += 8;
    }

    /** As {@link java.io.DataOutputStream#writeUTF}: a length of two bytes, then the modified UTF-8 bytes. */
    void writeUTF(String s) throws IOException {
        int length = s.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                bytes += c >= 0x800 ? 2 : 1;
            }
        }
        if (bytes > 0xFFFF) {
            throw new UTFDataFormatException("encoded string too long: " + bytes + " bytes");
        }
        if (2 + bytes > BUFFER_BYTES) {
            // Longer than the buffer: cannot happen for the codec's fields (ids are at most 128 bytes), but exact.
            drain();
            byte[] one = new byte[2 + bytes];
            encodeUtf(s, one, 0, bytes);
            sink.write(one);
            return;
        }
        room(2 + bytes);
        filled = encodeUtf(s, buffer, filled, bytes);
    }

    /** Writes the length and the modified UTF-8 of {@code s} at {@code at}; returns the end. */
    private static int encodeUtf(String s, byte[] to, int at, int bytes) {
        to[at++] = (byte) (bytes >>> 8);
        to[at++] = (byte) bytes;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && c != 0) {
                to[at++] = (byte) c;
            } else if (c < 0x800) {
                to[at++] = (byte) (0xC0 | (c >> 6));
                to[at++] = (byte) (0x80 | (c & 0x3F));
            } else {
                to[at++] = (byte) (0xE0 | (c >> 12));
                to[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                to[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }

    /** Hands what is buffered to the sink, and flushes the sink. */
    void flush() throws IOException {
        drain();
        sink.flush();
    }

    private void drain() throws IOException {
        if (filled > 0) {
            sink.write(buffer, 0, filled);
            filled = 0;
        }
    }
}
