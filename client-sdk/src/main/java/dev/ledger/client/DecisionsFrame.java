package dev.ledger.client;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A {@code Decisions} server frame read straight from its wire bytes, without protobuf message objects: the request
 * id and, per decision, its numbers and where its event id, reason and balances lie in the frame. Strings are
 * decoded only when asked for, and the event id never is: the {@link Dispatcher} compares it with its pending
 * event's id ({@link Entry#hasEventId}) and the public {@link Decision} takes the id from that event. Balances go
 * into the {@link Decision} as a small copy of their bytes, decoded on first access ({@link LazyBalances}).
 *
 * <p>{@link #read} checks the whole frame as protobuf-java's {@code Decisions.parseFrom} would, UTF-8 of every
 * string field included (that is what makes the later decoding safe), and throws exactly when it would
 * (field rules in {@link WireReader}). Fields may come in any order and more than once (the last wins, a repeated
 * field adds one more); fields unknown to this version are skipped.
 *
 * <p>Made by {@link ServerFrameDecoder}, read by {@link Connection}, {@link Dispatcher} and {@link PendingEvent} on
 * the event loop. Not thread-safe; not kept past the frame's dispatch.
 */
final class DecisionsFrame {

    /** How deep each message is nested from the ServerFrame, as protobuf counts it for its recursion limit. */
    static final int DECISIONS_DEPTH = 1;
    static final int DECISION_DEPTH = 2;
    static final int FIELD_MESSAGE_DEPTH = 3;

    // Tags (field number << 3 | wire type) of ledger.proto's Decisions, Decision and AccountOpened.
    private static final int REQUEST_ID = 8;
    private static final int DECISION = 18;
    private static final int EVENT_ID = 10;
    private static final int OUTCOME = 16;
    private static final int REASON_CODE = 24;
    private static final int REASON = 34;
    private static final int DUPLICATE = 40;
    private static final int MUTATION_PARTITION = 48;
    private static final int MUTATION_OFFSET = 56;
    private static final int SEQUENCE = 64;
    private static final int BALANCES = 74;
    private static final int OPENED = 82;
    private static final int BODY_HASH = 89;
    private static final int ORIGINAL_SEQUENCE = 96;
    private static final int OPENED_ACCOUNT_ID = 10;
    private static final int OPENED_CURRENCY = 18;
    private static final int OPENED_GROUP = 24;
    private static final int OPENED_DISPLAY_NAME = 34;

    private static final Entry[] NONE = new Entry[0];

    final long requestId;
    private final Entry[] entries;
    private final int size;

    private DecisionsFrame(long requestId, Entry[] entries, int size) {
        this.requestId = requestId;
        this.entries = entries;
        this.size = size;
    }

    /**
     * Reads the body of a {@code Decisions} message, {@code buf[start, end)}; {@code buf} must not change while the
     * frame is in use.
     *
     * @throws InvalidProtocolBufferException where protobuf parsing would throw
     */
    static DecisionsFrame read(byte[] buf, int start, int end) throws InvalidProtocolBufferException {
        WireReader r = new WireReader(buf, start, end);
        long requestId = 0;
        Entry[] entries = NONE;
        int size = 0;
        while (!r.atEnd()) {
            int tag = r.readTag();
            switch (tag) {
                case REQUEST_ID -> requestId = r.readVarint64();
                case DECISION -> {
                    if (size == entries.length) {
                        entries = Arrays.copyOf(entries, Math.max(8, size * 2));
                    }
                    entries[size++] = readDecision(r, r.readLengthDelimited());
                }
                default -> r.skipField(tag, DECISIONS_DEPTH);
            }
        }
        return new DecisionsFrame(requestId, entries, size);
    }

    /** The same frame from a parsed message (a frame the decoder left to protobuf, or a test's). */
    static DecisionsFrame of(dev.ledger.proto.Decisions decisions) {
        byte[] bytes = decisions.toByteArray();
        try {
            return read(bytes, 0, bytes.length);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("protobuf wrote Decisions it does not read back", e);
        }
    }

    int size() {
        return size;
    }

    Entry get(int index) {
        return entries[index];
    }

    /** @return the index of the first decision about this event, or -1 */
    int indexOf(String eventId) {
        for (int i = 0; i < size; i++) {
            if (entries[i].hasEventId(eventId)) {
                return i;
            }
        }
        return -1;
    }

    private static Entry readDecision(WireReader r, int end) throws InvalidProtocolBufferException {
        Entry d = new Entry(r.buf);
        int outer = r.enter(end);
        while (!r.atEnd()) {
            int tagStart = r.pos;
            int tag = r.readTag();
            switch (tag) {
                case EVENT_ID -> {
                    int fieldEnd = r.readUtf8();
                    d.eventIdStart = r.pos;
                    d.eventIdEnd = r.pos = fieldEnd;
                }
                case OUTCOME -> d.outcome = r.readVarint32();
                case REASON_CODE -> d.reasonCode = r.readVarint32();
                case REASON -> {
                    int fieldEnd = r.readUtf8();
                    d.reasonStart = r.pos;
                    d.reasonEnd = r.pos = fieldEnd;
                }
                case DUPLICATE -> d.duplicate = r.readVarint64() != 0;
                case MUTATION_PARTITION -> d.partition = r.readVarint32();
                case MUTATION_OFFSET -> d.offset = r.readVarint64();
                case SEQUENCE -> d.sequence = r.readVarint64();
                case BALANCES -> d.addBalanceField(r, tagStart);
                case OPENED -> checkAccountOpened(r, r.readLengthDelimited());
                case BODY_HASH -> d.bodyHash = r.readFixed64();
                case ORIGINAL_SEQUENCE -> d.originalSequence = r.readVarint64();
                default -> r.skipField(tag, DECISION_DEPTH);
            }
        }
        r.leave(outer);
        return d;
    }

    /** Not kept by the SDK, but checked as protobuf checks it (its strings must be UTF-8). */
    private static void checkAccountOpened(WireReader r, int end) throws InvalidProtocolBufferException {
        int outer = r.enter(end);
        while (!r.atEnd()) {
            int tag = r.readTag();
            switch (tag) {
                case OPENED_ACCOUNT_ID, OPENED_CURRENCY, OPENED_DISPLAY_NAME -> r.pos = r.readUtf8();
                case OPENED_GROUP -> r.readVarint32();
                default -> r.skipField(tag, FIELD_MESSAGE_DEPTH);
            }
        }
        r.leave(outer);
    }

    /** One decision of the frame: its numbers, and where its strings and balances are in the frame's bytes. */
    static final class Entry {
        private final byte[] buf;
        private int eventIdStart;
        private int eventIdEnd;
        private int reasonStart;
        private int reasonEnd;
        /** {@code [start, end)} pairs of the frame's balance fields, tag included; adjacent fields share one. */
        private int[] balanceRanges;
        private int balanceRangeCount;
        int outcome;
        int reasonCode;
        boolean duplicate;
        int partition;
        long offset;
        long sequence;
        long bodyHash;
        long originalSequence;

        private Entry(byte[] buf) {
            this.buf = buf;
        }

        /** Checks one balance field, whose tag began at {@code fieldStart}, and notes where it lies. */
        private void addBalanceField(WireReader r, int fieldStart) throws InvalidProtocolBufferException {
            int end = r.readLengthDelimited();
            LazyBalances.readAccountBalance(r, end, false);
            int last = 2 * balanceRangeCount - 1;
            if (balanceRangeCount > 0 && balanceRanges[last] == fieldStart) {
                balanceRanges[last] = end; // the usual case: one field right after the other
                return;
            }
            if (balanceRanges == null) {
                balanceRanges = new int[2];
            } else if (2 * balanceRangeCount == balanceRanges.length) {
                balanceRanges = Arrays.copyOf(balanceRanges, balanceRanges.length * 2);
            }
            balanceRanges[2 * balanceRangeCount] = fieldStart;
            balanceRanges[2 * balanceRangeCount + 1] = end;
            balanceRangeCount++;
        }

        /** @return the outcome, {@link Outcome#UNRECOGNIZED} for a number this version does not know */
        Outcome outcome() {
            Outcome o = Outcome.forNumber(outcome);
            return o != null ? o : Outcome.UNRECOGNIZED;
        }

        /** @return the reason code, {@link ReasonCode#UNRECOGNIZED} for a number this version does not know */
        ReasonCode reasonCode() {
            ReasonCode c = ReasonCode.forNumber(reasonCode);
            return c != null ? c : ReasonCode.UNRECOGNIZED;
        }

        String reason() {
            return new String(buf, reasonStart, reasonEnd - reasonStart, StandardCharsets.UTF_8);
        }

        /** Decodes the event id; the dispatcher does not need to ({@link #hasEventId}). */
        String eventId() {
            return new String(buf, eventIdStart, eventIdEnd - eventIdStart, StandardCharsets.UTF_8);
        }

        /**
         * True when the decision is about this event id: compares the id's characters with the wire bytes while
         * they are ASCII (a UTF-8 byte of an ASCII character is that character), and decodes only an id with
         * other characters.
         */
        boolean hasEventId(String eventId) {
            int length = eventIdEnd - eventIdStart;
            for (int i = 0; i < eventId.length(); i++) {
                char c = eventId.charAt(i);
                if (c >= 0x80) {
                    return eventId().equals(eventId);
                }
                if (i >= length || buf[eventIdStart + i] != (byte) c) {
                    return false; // the id's UTF-8 bytes start with the ASCII ones compared so far
                }
            }
            return length == eventId.length();
        }

        /** The balances, from a copy of their fields' bytes only (a kept Decision does not keep the frame). */
        Map<String, Long> balances() {
            if (balanceRangeCount == 0) {
                return Map.of();
            }
            int bytes = 0;
            for (int i = 0; i < balanceRangeCount; i++) {
                bytes += balanceRanges[2 * i + 1] - balanceRanges[2 * i];
            }
            byte[] copy = new byte[bytes];
            for (int i = 0, at = 0; i < balanceRangeCount; i++) {
                int start = balanceRanges[2 * i];
                int length = balanceRanges[2 * i + 1] - start;
                System.arraycopy(buf, start, copy, at, length);
                at += length;
            }
            return new LazyBalances(copy);
        }

        /** The public decision, about the event with this id (the pending event's, which {@link #hasEventId}). */
        Decision toDecision(String eventId) {
            return new Decision(eventId, outcome(), reasonCode(), reason(), duplicate, balances(), partition,
                    offset);
        }
    }
}
