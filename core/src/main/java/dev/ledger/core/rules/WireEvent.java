package dev.ledger.core.rules;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.MutationEvent;
import java.util.Arrays;

/**
 * One mutation event read straight from its wire bytes, for the ingest server: the same single-pass
 * {@link MutationView} the ledger decides with (protobuf only as its fallback for unusual encodings), checked by the
 * same {@link EventValidator} rules, its fields reachable as UTF-8 byte ranges. So the server checks an event, its
 * principal's permissions and its Kafka key without building a {@link MutationEvent} or a String per field.
 *
 * <p>Use: {@link #read} the bytes, then {@link #validate}; the accessors describe the event last read, until the
 * next {@link #read}. Field numbers are those of the body message (e.g. {@code Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER})
 * and the body is {@link #bodyField()}.
 *
 * <p>Not thread-safe and reused from event to event: one per thread (the server keeps one per event loop).
 */
public final class WireEvent {

    private static final EventValidator RULES = new EventValidator();

    private final MutationView view = new MutationView(false); // the body fingerprint is the ledger's concern
    private String eventId;

    /**
     * Reads one event.
     *
     * @return null when {@code bytes} is a MutationEvent, else protobuf's reason why it is not (the accessors then
     *     describe nothing)
     */
    public String read(byte[] bytes) {
        eventId = null;
        if (view.decode(bytes)) {
            return null;
        }
        MutationEvent event;
        try {
            event = MutationEvent.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            view.load(MutationEvent.getDefaultInstance(), 0);
            return e.getMessage();
        }
        view.load(event, 0); // the body fingerprint is the ledger's concern, not read here
        return null;
    }

    /** Null when the event last read is valid, else the reason naming the field ({@link EventValidator}'s rules). */
    public String validate() {
        return RULES.validate(view);
    }

    /** The event_id; one String per event, made on first use. */
    public String eventId() {
        String id = eventId;
        if (id == null) {
            id = view.eventId();
            eventId = id;
        }
        return id;
    }

    /** A copy of the event_id's UTF-8 bytes. */
    public byte[] eventIdBytes() {
        int from = view.eventIdOffset();
        return Arrays.copyOfRange(view.buffer(), from, from + view.eventIdLength());
    }

    /** Where the event_id's UTF-8 bytes start in {@link #buffer()}. */
    public int eventIdOffset() {
        return view.eventIdOffset();
    }

    /** How many UTF-8 bytes the event_id has. */
    public int eventIdLength() {
        return view.eventIdLength();
    }

    /** The MutationEvent field number of the body that is set (10..13), or 0. */
    public int bodyField() {
        return view.bodyField();
    }

    /** A string field of the body as a String (for a reason text). */
    public String text(int field) {
        return view.text(field);
    }

    /** A copy of a string field's UTF-8 bytes. */
    public byte[] textBytes(int field) {
        int from = view.offset(field);
        return Arrays.copyOfRange(view.buffer(), from, from + view.length(field));
    }

    /**
     * The bytes that hold string fields, at {@link #textOffset} for {@link #textLength}: the array given to
     * {@link #read} or, after a fallback parse, a scratch copy. Read-only; valid until the next {@link #read}.
     */
    public byte[] buffer() {
        return view.buffer();
    }

    /** Where a string field's UTF-8 bytes start in {@link #buffer()}. */
    public int textOffset(int field) {
        return view.offset(field);
    }

    /** How many UTF-8 bytes a string field has (0 when absent). */
    public int textLength(int field) {
        return view.length(field);
    }
}
