package dev.ledger.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;

/**
 * A cursor over protobuf wire bytes in a {@code byte[]}, for the hand-written {@link DecisionsFrame} reader: tags,
 * varints, fixed-width and length-delimited fields, and skipping unknown fields of every wire type. Each rule here is
 * protobuf-java's, so a frame that protobuf parsing would reject is rejected here too (with an {@link
 * InvalidProtocolBufferException}), and one it accepts is accepted:
 *
 * <ul>
 *   <li>a varint has at most 10 bytes; a tenth byte sets bit 63 whatever its value (protobuf-java 4 reads it so,
 *       from arrays and direct buffers alike); a 32-bit field, a tag and a length keep the low 32 bits;
 *   <li>a tag of field number 0 is invalid; wire types 6 and 7 are invalid; an end-group tag outside its group is
 *       invalid, and a group ends only with the end-group tag of its own number;
 *   <li>a length may not be negative nor reach past the end of the enclosing message;
 *   <li>messages and groups nest at most {@value #RECURSION_LIMIT} deep, counted from the outermost message.
 * </ul>
 *
 * <p>Not thread-safe: one reader per parse, on one thread.
 */
final class WireReader {

    /** protobuf-java's default recursion limit of a {@code CodedInputStream}. */
    static final int RECURSION_LIMIT = 100;

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    final byte[] buf;
    int pos;
    private int limit;

    WireReader(byte[] buf, int pos, int limit) {
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
    }

    /** Reads only up to {@code end} (checked by the caller) until {@link #leave}; returns the limit to restore. */
    int enter(int end) {
        int outer = limit;
        limit = end;
        return outer;
    }

    void leave(int outer) {
        limit = outer;
    }

    boolean atEnd() {
        return pos >= limit;
    }

    /** The next tag; call only when not {@link #atEnd()}. */
    int readTag() throws InvalidProtocolBufferException {
        int tag = readVarint32();
        if (tag >>> 3 == 0) {
            throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
        }
        return tag;
    }

    long readVarint64() throws InvalidProtocolBufferException {
        long result = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            byte b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        // A tenth byte: protobuf-java keeps none of its bits, but the ninth byte's continuation bit lands in bit 63.
        if (readByte() < 0) {
            throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
        }
        return result | 1L << 63;
    }

    private byte readByte() throws InvalidProtocolBufferException {
        if (pos >= limit) {
            throw truncated();
        }
        return buf[pos++];
    }

    int readVarint32() throws InvalidProtocolBufferException {
        return (int) readVarint64();
    }

    long readFixed64() throws InvalidProtocolBufferException {
        require(8);
        long result = 0;
        for (int i = 7; i >= 0; i--) {
            result = result << 8 | (buf[pos + i] & 0xFFL);
        }
        pos += 8;
        return result;
    }

    /**
     * Reads the length of a length-delimited field and checks it; the cursor is then at the field's first byte.
     *
     * @return the index just past the field
     */
    int readLengthDelimited() throws InvalidProtocolBufferException {
        int length = readVarint32();
        if (length < 0) {
            throw new InvalidProtocolBufferException("CodedInputStream encountered an embedded string or message "
                    + "which claimed to have negative size.");
        }
        require(length);
        return pos + length;
    }

    /**
     * Reads a proto3 {@code string} field's length and checks that its bytes are UTF-8, as protobuf does; the
     * cursor is then at the field's first byte.
     *
     * @return the index just past the field
     */
    int readUtf8() throws InvalidProtocolBufferException {
        int end = readLengthDelimited();
        int ascii = pos;
        while (ascii < end && buf[ascii] >= 0) {
            ascii++;
        }
        // Past the ASCII start (all of the usual ids and reasons), protobuf's own check, as its Utf8 is not public.
        if (ascii < end && !UnsafeByteOperations.unsafeWrap(buf, ascii, end - ascii).isValidUtf8()) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return end;
    }

    /**
     * Skips the field whose tag was just read, checking it as protobuf-java does when it keeps an unknown field;
     * {@code depth} is how deep the message that holds the field is nested: 0 for the outermost message (the
     * {@code ServerFrame}), 1 for a message in one of its fields, and so on.
     */
    void skipField(int tag, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case VARINT -> readVarint64();
            case FIXED64 -> skip(8);
            case LENGTH_DELIMITED -> pos = readLengthDelimited();
            case START_GROUP -> skipGroup(tag, depth);
            case END_GROUP -> throw new InvalidProtocolBufferException(
                    "Protocol message end-group tag did not match expected tag.");
            case FIXED32 -> skip(4);
            default -> throw new InvalidProtocolBufferException("Protocol message tag had invalid wire type.");
        }
    }

    private void skipGroup(int startTag, int depth) throws InvalidProtocolBufferException {
        if (depth >= RECURSION_LIMIT) {
            throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
        }
        int endTag = startTag + (END_GROUP - START_GROUP);
        while (!atEnd()) {
            int tag = readTag();
            if ((tag & 7) == END_GROUP) {
                if (tag != endTag) {
                    break;
                }
                return;
            }
            skipField(tag, depth + 1);
        }
        throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
    }

    private void skip(int bytes) throws InvalidProtocolBufferException {
        require(bytes);
        pos += bytes;
    }

    private void require(int bytes) throws InvalidProtocolBufferException {
        if (bytes > limit - pos) {
            throw truncated();
        }
    }

    private static InvalidProtocolBufferException truncated() {
        return new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly "
                + "in the middle of a field.");
    }
}
