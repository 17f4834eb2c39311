package dev.ledger.server.decisions;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.Decision;
import java.nio.charset.StandardCharsets;

/**
 * Reads the event id of a decision journal record from its bytes, so the {@link DecisionReader} can route the record
 * without building a {@link Decision} (its balances, account ids and reason). {@link #locate} only finds the id in
 * the bytes: the router keys a UUID-shaped id from them without making a String.
 *
 * <p>The fast path takes the shape the core's encoder writes: field 1 ({@code event_id}) first and only once, ASCII,
 * followed by well-formed top-level fields (tags, varints and lengths inside the record). Anything else (no id, the
 * id later, repeated or not ASCII, a group, a truncated record) goes to {@link Decision#parseFrom}, which gives the
 * id or rejects the record as protobuf would. Nested messages and the other strings are not looked into: a record
 * broken only inside them is routed (and fails the client's parse); the core's encoder writes none such, and a
 * record from elsewhere has to pass Kafka's checksum and carry this server's key first.
 *
 * <p>Stateless and thread-safe.
 */
final class DecisionEventIds {

    private static final int EVENT_ID_TAG = Decision.EVENT_ID_FIELD_NUMBER << 3 | 2; // length-delimited

    private DecisionEventIds() {
    }

    /** The record's event id ({@code ""} when it has none); throws when the record does not parse. */
    static String of(byte[] value) throws InvalidProtocolBufferException {
        String fast = fast(value);
        return fast != null ? fast : Decision.parseFrom(value).getEventId();
    }

    /** The id when the record has the simple shape, else null. */
    static String fast(byte[] value) {
        long at = locate(value);
        // ASCII: Latin-1 decodes it to the same string, without a UTF-8 decoder.
        return at < 0 ? null : new String(value, start(at), length(at), StandardCharsets.ISO_8859_1);
    }

    /**
     * Where the id is when the record has the simple shape: its start and length packed in a long (read them with
     * {@link #start} and {@link #length}); -1 for any other shape (then only {@link #of} tells the id). The id's
     * bytes are ASCII.
     */
    static long locate(byte[] value) {
        if (value.length < 2 || value[0] != EVENT_ID_TAG) {
            return -1;
        }
        long lengthAndEnd = varint32(value, 1);
        if (lengthAndEnd < 0) {
            return -1;
        }
        int length = (int) (lengthAndEnd >>> 32);
        int start = (int) lengthAndEnd;
        if (length > value.length - start) {
            return -1;
        }
        int end = start + length;
        for (int i = start; i < end; i++) {
            if (value[i] < 0) {
                return -1; // not ASCII: protobuf checks the UTF-8
            }
        }
        if (!wellFormed(value, end)) {
            return -1;
        }
        return (long) start << 32 | length;
    }

    /** The id's first index, from {@link #locate}'s answer. */
    static int start(long located) {
        return (int) (located >>> 32);
    }

    /** The id's length in bytes, from {@link #locate}'s answer. */
    static int length(long located) {
        return (int) located;
    }

    /** True if {@code value[from ..]} is a sequence of complete top-level fields of wire types 0, 1, 2 and 5. */
    private static boolean wellFormed(byte[] value, int from) {
        int p = from;
        while (p < value.length) {
            long tagAndEnd = varint32(value, p);
            if (tagAndEnd < 0) {
                return false;
            }
            int tag = (int) (tagAndEnd >>> 32);
            p = (int) tagAndEnd;
            if (tag >>> 3 <= Decision.EVENT_ID_FIELD_NUMBER) {
                return false; // field 0 is invalid; a second event_id would win in protobuf: both left to it
            }
            switch (tag & 7) {
                case 0 -> {
                    int limit = Math.min(value.length, p + 10);
                    while (p < limit && value[p] < 0) {
                        p++;
                    }
                    if (p == limit) {
                        return false;
                    }
                    p++;
                }
                case 1 -> p += 8;
                case 2 -> {
                    long lengthAndEnd = varint32(value, p);
                    if (lengthAndEnd < 0) {
                        return false;
                    }
                    int length = (int) (lengthAndEnd >>> 32);
                    p = (int) lengthAndEnd;
                    if (length > value.length - p) {
                        return false;
                    }
                    p += length;
                }
                case 5 -> p += 4;
                default -> {
                    return false; // groups and invalid wire types: left to protobuf
                }
            }
            if (p > value.length) {
                return false;
            }
        }
        return true;
    }

    /**
     * A non-negative varint of at most 5 bytes at {@code value[at]}: its value in the high half and the index after
     * it in the low half; -1 when truncated, longer or negative as an int.
     */
    private static long varint32(byte[] value, int at) {
        long result = 0;
        for (int shift = 0, p = at; shift < 35 && p < value.length; shift += 7, p++) {
            byte b = value[p];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result > Integer.MAX_VALUE ? -1 : result << 32 | (p + 1);
            }
        }
        return -1;
    }
}
