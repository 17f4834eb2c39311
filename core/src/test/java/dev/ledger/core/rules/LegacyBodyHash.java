package dev.ledger.core.rules;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.ledger.proto.MutationEvent;
import java.io.IOException;

/**
 * Test-only copy of BodyHash before the single-pass decoder.
 *
 * <p>A 64-bit fingerprint (FNV-1a) of a mutation record's bytes without its {@code event_id} field: a resend of the
 * same event (same bytes, as the SDK and the server forward them) has the same fingerprint; the same id with another
 * body has a different one. Two encoders that order fields differently give different fingerprints for the same
 * body; the SDK and the server never re-encode, so that only affects hand-made producers. Thread-safe (stateless).
 */
final class LegacyBodyHash {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private LegacyBodyHash() {
    }

    /** The fingerprint of {@code value}, which must parse as a MutationEvent. */
    public static long of(byte[] value) {
        long h = OFFSET_BASIS;
        CodedInputStream in = CodedInputStream.newInstance(value);
        try {
            while (true) {
                int start = in.getTotalBytesRead();
                int tag = in.readTag();
                if (tag == 0) {
                    return h;
                }
                in.skipField(tag);
                if (WireFormat.getTagFieldNumber(tag) == MutationEvent.EVENT_ID_FIELD_NUMBER) {
                    continue;
                }
                int end = in.getTotalBytesRead();
                for (int i = start; i < end; i++) {
                    h = (h ^ (value[i] & 0xff)) * PRIME;
                }
            }
        } catch (IOException e) {
            // The value parsed as a MutationEvent before this is called; a failure here still gives a stable result.
            return h;
        }
    }
}
