package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.AccountOpened;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.ServerFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written Decisions reader against protobuf-java as the reference: random frames, written by protobuf or
 * byte by byte (fields in any order, repeated, unknown fields of every wire type), truncated and corrupted; the
 * reader must accept exactly what {@code ServerFrame.parseFrom} accepts and read the same values, and the balances
 * must be the map the eager decoding built.
 */
class DecisionsFrameTest {

    private static final String[] ID_CHARS = {"a", "Z", "0", "-", "_", "é", "ß", "€", "日", "😀", " ", "\u007f"};

    @Test
    void framesWrittenByProtobufReadTheSameAsWithProtobuf() throws IOException {
        Random random = new Random(1);
        for (int i = 0; i < 2_000; i++) {
            Decisions message = randomDecisions(random);
            assertReadsAsProtobuf(serverFrame(message.toByteArray()), random);
        }
    }

    @Test
    void fieldsInAnyOrderRepeatedOrUnknownReadTheSameAsWithProtobuf() throws IOException {
        Random random = new Random(2);
        for (int i = 0; i < 2_000; i++) {
            Layout layout = Layout.values()[i % Layout.values().length];
            assertReadsAsProtobuf(serverFrame(writeByHand(randomDecisions(random), layout, random)), random);
        }
    }

    @Test
    void everyTruncationThrowsExactlyWhenProtobufThrows() throws IOException {
        Random random = new Random(3);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 150; i++) {
            byte[] body = writeByHand(randomDecisions(random), Layout.values()[i % Layout.values().length], random);
            for (int length = 0; length <= body.length; length++) {
                boolean ok = assertReadsAsProtobuf(serverFrame(Arrays.copyOf(body, length)), random);
                accepted += ok ? 1 : 0;
                rejected += ok ? 0 : 1;
            }
        }
        assertThat(accepted).as("some prefixes are whole messages").isPositive();
        assertThat(rejected).as("most prefixes cut a field").isGreaterThan(accepted);
    }

    @Test
    void corruptedBytesThrowExactlyWhenProtobufThrows() throws IOException {
        Random random = new Random(4);
        byte[] replacements = {0x00, (byte) 0x80, (byte) 0xFF, 0x07, 0x0C, 0x03, 0x04, (byte) 0xC0, 0x7F};
        int rejected = 0;
        for (int i = 0; i < 60; i++) {
            byte[] body = writeByHand(randomDecisions(random), Layout.values()[i % Layout.values().length], random);
            for (int at = 0; at < body.length; at++) {
                for (byte b : new byte[] {replacements[random.nextInt(replacements.length)], (byte) (body[at] ^ 1),
                        (byte) random.nextInt()}) {
                    byte[] corrupted = body.clone();
                    corrupted[at] = b;
                    rejected += assertReadsAsProtobuf(serverFrame(corrupted), random) ? 0 : 1;
                }
            }
        }
        assertThat(rejected).as("corruption is caught").isPositive();
    }

    @Test
    void invalidUtf8IsRejectedInKeptAndCheckedStringsOnlyAsProtobufDoes() throws IOException {
        byte[] bad = {'a', (byte) 0xC3};                       // a truncated two-byte sequence
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // an encoded UTF-16 surrogate
        byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
        for (byte[] text : List.of(bad, surrogate, overlong)) {
            for (int field : new int[] {1, 4, 9, 10, 99}) { // event_id, reason, a balance's, opened's, unknown
                ByteArrayOutputStream decision = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(decision);
                if (field == 9 || field == 10) {
                    ByteArrayOutputStream inner = new ByteArrayOutputStream();
                    CodedOutputStream innerOut = CodedOutputStream.newInstance(inner);
                    innerOut.writeByteArray(field == 9 ? 1 : 2, text);
                    innerOut.flush();
                    out.writeByteArray(field, inner.toByteArray());
                } else {
                    out.writeByteArray(field, text);
                }
                out.flush();
                byte[] frame = serverFrame(decisionsOf(decision.toByteArray()));
                boolean accepted = assertReadsAsProtobuf(frame, new Random(0));
                assertThat(accepted).as("field %d", field).isEqualTo(field == 99);
            }
        }
    }

    @Test
    void nestedUnknownGroupsHitTheSameRecursionLimitAsProtobuf() throws IOException {
        int acceptedDeepest = -1;
        for (int groups = 90; groups <= 101; groups++) {
            byte[] nested = groups(groups);
            byte[] inDecision = serverFrame(decisionsOf(nested));
            byte[] inBalance = serverFrame(decisionsOf(field(9, nested)));
            byte[] inDecisions = serverFrame(concat(nested, field(2, new byte[0])));
            if (assertReadsAsProtobuf(inDecision, new Random(0))) {
                acceptedDeepest = groups;
            }
            assertReadsAsProtobuf(inBalance, new Random(0));
            assertReadsAsProtobuf(inDecisions, new Random(0));
        }
        assertThat(acceptedDeepest).as("the limit lies inside the range tried").isBetween(90, 100);
    }

    @Test
    void aTagOrLengthInALongerEncodingReadsAsProtobufDoes() throws IOException {
        // event_id's tag (10) as a ten-byte varint: protobuf keeps its low 32 bits.
        byte[] longTag = {(byte) 0x8A, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0x01, 0x01, 'x'};
        byte[] elevenByteVarint = {0x10, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        byte[] negativeLength = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        byte[] fieldZero = {0x00, 0x00};
        byte[] wireType7 = {0x0F};
        byte[] strayEndGroup = {0x0C};
        for (byte[] decision : List.of(longTag, elevenByteVarint, negativeLength, fieldZero, wireType7,
                strayEndGroup)) {
            assertReadsAsProtobuf(serverFrame(decisionsOf(decision)), new Random(0));
        }
        assertThat(assertReadsAsProtobuf(serverFrame(decisionsOf(longTag)), new Random(0))).isTrue();
        // Ten-byte varints whose tenth byte is 0: protobuf-java still sets bit 63 (a negative offset, duplicate).
        byte[] tenBytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0x00};
        byte[] offsetDuplicateAndBalance = concat(new byte[] {0x38}, tenBytes, new byte[] {0x28}, tenBytes,
                field(9, concat(new byte[] {0x10}, tenBytes)));
        for (byte[] frame : List.of(serverFrame(decisionsOf(offsetDuplicateAndBalance)),
                serverFrame(concat(new byte[] {0x08}, tenBytes, decisionsOf(offsetDuplicateAndBalance))))) {
            assertThat(assertReadsAsProtobuf(frame, new Random(0))).isTrue();
            assertThat(DecisionsFrame.read(frame, frame.length - bodyLength(frame), frame.length).get(0).offset)
                    .isEqualTo(Long.MIN_VALUE);
        }
        assertThat(assertReadsAsProtobuf(serverFrame(decisionsOf(elevenByteVarint)), new Random(0))).isFalse();
    }

    @Test
    void eventIdsAreComparedWithoutDecodingYetAsStrings() throws IOException {
        for (String id : List.of("", "e-1", "é", "aé", "日本", "😀", "a😀b")) {
            DecisionsFrame.Entry e = DecisionsFrame.of(Decisions.newBuilder()
                    .addDecisions(dev.ledger.proto.Decision.newBuilder().setEventId(id)).build()).get(0);
            assertThat(e.hasEventId(id)).as(id).isTrue();
            for (String other : List.of("", "e", "e-1", "e-2", "e-10", "é", "e", "aé", "ae", "日", "😀", "a😀", "\ud83d")) {
                assertThat(e.hasEventId(other)).as(id + " vs " + other).isEqualTo(other.equals(id));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the reference

    /**
     * Parses the frame with protobuf and with the reader (on the ServerFrame's decisions field, as the decoder does);
     * both throw, or both read the same values.
     *
     * @return whether the frame was accepted
     */
    private static boolean assertReadsAsProtobuf(byte[] frame, Random random) {
        ServerFrame expected = null;
        DecisionsFrame actual = null;
        try {
            expected = ServerFrame.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            // compared below
        }
        int bodyStart = frame.length - bodyLength(frame);
        try {
            actual = DecisionsFrame.read(frame, bodyStart, frame.length);
        } catch (InvalidProtocolBufferException e) {
            // compared below
        }
        assertThat(actual != null).as("reader accepts exactly when protobuf accepts %s", Arrays.toString(frame))
                .isEqualTo(expected != null);
        if (expected != null) {
            try {
                assertSameValues(expected.getDecisions(), actual, random);
            } catch (AssertionError e) {
                throw new AssertionError("frame " + Arrays.toString(frame) + ": " + e.getMessage(), e);
            }
        }
        return expected != null;
    }

    private static void assertSameValues(Decisions expected, DecisionsFrame actual, Random random) {
        assertThat(actual.requestId).isEqualTo(expected.getRequestId());
        assertThat(actual.size()).isEqualTo(expected.getDecisionsCount());
        for (int i = 0; i < actual.size(); i++) {
            dev.ledger.proto.Decision d = expected.getDecisions(i);
            DecisionsFrame.Entry e = actual.get(i);
            assertThat(e.eventId()).isEqualTo(d.getEventId());
            assertThat(e.hasEventId(d.getEventId())).isTrue();
            assertThat(e.hasEventId(d.getEventId() + randomId(random, 1))).isFalse();
            assertThat(e.hasEventId(randomId(random, 1) + d.getEventId())).isFalse();
            assertThat(actual.indexOf(d.getEventId())).isLessThanOrEqualTo(i);
            assertThat(e.outcome).isEqualTo(d.getOutcomeValue());
            assertThat(e.outcome()).isEqualTo(d.getOutcome());
            assertThat(e.reasonCode).isEqualTo(d.getReasonCodeValue());
            assertThat(e.reasonCode()).isEqualTo(d.getReasonCode());
            assertThat(e.reason()).isEqualTo(d.getReason());
            assertThat(e.duplicate).isEqualTo(d.getDuplicate());
            assertThat(e.partition).isEqualTo(d.getMutationPartition());
            assertThat(e.offset).isEqualTo(d.getMutationOffset());
            assertThat(e.sequence).isEqualTo(d.getSequence());
            assertThat(e.bodyHash).isEqualTo(d.getBodyHash());
            assertThat(e.originalSequence).isEqualTo(d.getOriginalSequence());

            Map<String, Long> eager = eagerBalances(d);
            Map<String, Long> lazy = e.balances();
            assertThat(lazy).isEqualTo(eager);
            assertThat(eager).isEqualTo(lazy);
            assertThat(lazy.hashCode()).isEqualTo(eager.hashCode());
            assertThat(lazy.toString()).isEqualTo(eager.toString());
            Decision decision = e.toDecision(d.getEventId());
            assertThat(decision).isEqualTo(new Decision(d.getEventId(), d.getOutcome(), d.getReasonCode(),
                    d.getReason(), d.getDuplicate(), eager, d.getMutationPartition(), d.getMutationOffset()));
            assertThat(decision.toString()).isEqualTo(new Decision(d.getEventId(), d.getOutcome(),
                    d.getReasonCode(), d.getReason(), d.getDuplicate(), eager, d.getMutationPartition(),
                    d.getMutationOffset()).toString());
        }
    }

    /** The SDK's balances before they became lazy: Map.ofEntries in wire order, or a map filled in wire order. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> eagerBalances(dev.ledger.proto.Decision d) {
        int n = d.getBalancesCount();
        if (n == 0) {
            return Map.of();
        }
        if (n == 1) {
            return Map.of(d.getBalances(0).getAccountId(), d.getBalances(0).getBalanceMinor());
        }
        Map.Entry<String, Long>[] entries = (Map.Entry<String, Long>[]) new Map.Entry<?, ?>[n];
        for (int i = 0; i < n; i++) {
            entries[i] = Map.entry(d.getBalances(i).getAccountId(), d.getBalances(i).getBalanceMinor());
        }
        try {
            return Map.ofEntries(entries);
        } catch (IllegalArgumentException duplicateAccount) {
            Map<String, Long> inOrder = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : entries) {
                inOrder.put(e.getKey(), e.getValue());
            }
            return Map.copyOf(inOrder);
        }
    }

    // ------------------------------------------------------------------------------------------ random frames

    private enum Layout { IN_ORDER, REVERSED, SHUFFLED_WITH_UNKNOWN_AND_REPEATED_FIELDS }

    private static Decisions randomDecisions(Random random) {
        Decisions.Builder frame = Decisions.newBuilder();
        if (random.nextBoolean()) {
            frame.setRequestId(random.nextLong());
        }
        int decisions = random.nextInt(5);
        for (int i = 0; i < decisions; i++) {
            frame.addDecisions(randomDecision(random));
        }
        return frame.build();
    }

    private static dev.ledger.proto.Decision randomDecision(Random random) {
        dev.ledger.proto.Decision.Builder d = dev.ledger.proto.Decision.newBuilder();
        if (random.nextInt(8) != 0) {
            d.setEventId(randomId(random, random.nextInt(12)));
        }
        if (random.nextBoolean()) {
            d.setOutcomeValue(random.nextInt(6) == 0 ? random.nextInt() : random.nextInt(5));
        }
        if (random.nextBoolean()) {
            d.setReasonCodeValue(random.nextInt(6) == 0 ? random.nextInt() : random.nextInt(10));
        }
        if (random.nextBoolean()) {
            d.setReason(randomId(random, random.nextInt(30)));
        }
        d.setDuplicate(random.nextBoolean());
        if (random.nextBoolean()) {
            d.setMutationPartition(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(64));
        }
        if (random.nextBoolean()) {
            d.setMutationOffset(random.nextBoolean() ? random.nextLong() : random.nextInt(1_000_000));
        }
        if (random.nextBoolean()) {
            d.setSequence(random.nextLong());
        }
        int balances = random.nextInt(7);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < balances; i++) {
            String account = !accounts.isEmpty() && random.nextInt(4) == 0
                    ? accounts.get(random.nextInt(accounts.size())) : randomId(random, random.nextInt(8));
            accounts.add(account);
            d.addBalances(AccountBalance.newBuilder().setAccountId(account)
                    .setBalanceMinor(random.nextBoolean() ? random.nextLong() : random.nextInt(2001) - 1000));
        }
        if (random.nextInt(4) == 0) {
            d.setOpened(AccountOpened.newBuilder().setAccountId(randomId(random, 5)).setCurrency("EUR")
                    .setGroupValue(random.nextInt(6)).setDisplayName(randomId(random, 9)));
        }
        if (random.nextBoolean()) {
            d.setBodyHash(random.nextLong());
        }
        if (random.nextBoolean()) {
            d.setOriginalSequence(random.nextLong());
        }
        return d.build();
    }

    private static String randomId(Random random, int chars) {
        StringBuilder s = new StringBuilder();
        boolean ascii = random.nextBoolean();
        for (int i = 0; i < chars; i++) {
            s.append(ascii ? ID_CHARS[random.nextInt(5)] : ID_CHARS[random.nextInt(ID_CHARS.length)]);
        }
        return s.toString();
    }

    /** Writes the Decisions body field by field, in the layout's order; the layout may add and repeat fields. */
    private static byte[] writeByHand(Decisions message, Layout layout, Random random) throws IOException {
        List<byte[]> fields = new ArrayList<>();
        if (message.getRequestId() != 0 || random.nextBoolean()) {
            fields.add(varintField(1, message.getRequestId()));
        }
        for (dev.ledger.proto.Decision d : message.getDecisionsList()) {
            fields.add(field(2, writeDecisionByHand(d, layout, random)));
        }
        return arrange(fields, layout, random, true);
    }

    private static byte[] writeDecisionByHand(dev.ledger.proto.Decision d, Layout layout, Random random)
            throws IOException {
        List<byte[]> fields = new ArrayList<>();
        fields.add(field(1, d.getEventId().getBytes(StandardCharsets.UTF_8)));
        fields.add(varintField(2, d.getOutcomeValue()));
        fields.add(varintField(3, d.getReasonCodeValue()));
        fields.add(field(4, d.getReason().getBytes(StandardCharsets.UTF_8)));
        fields.add(varintField(5, d.getDuplicate() ? 1 : 0));
        fields.add(varintField(6, d.getMutationPartition()));
        fields.add(varintField(7, d.getMutationOffset()));
        fields.add(varintField(8, d.getSequence()));
        for (AccountBalance b : d.getBalancesList()) {
            List<byte[]> balance = new ArrayList<>(List.of(field(1, b.getAccountId().getBytes(StandardCharsets.UTF_8)),
                    varintField(2, b.getBalanceMinor())));
            fields.add(field(9, arrange(balance, layout, random, false)));
        }
        if (d.hasOpened()) {
            fields.add(field(10, d.getOpened().toByteArray()));
        }
        ByteArrayOutputStream hash = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(hash);
        out.writeFixed64(11, d.getBodyHash());
        out.flush();
        fields.add(hash.toByteArray());
        fields.add(varintField(12, d.getOriginalSequence()));
        return arrange(fields, layout, random, false);
    }

    /**
     * Puts the fields in the layout's order; the shuffled layout also adds unknown fields and an earlier copy of a
     * field (a singular field's last copy wins; a balance or decision copy adds one more, which protobuf reads too).
     */
    private static byte[] arrange(List<byte[]> fields, Layout layout, Random random, boolean topLevel)
            throws IOException {
        List<byte[]> out = new ArrayList<>(fields);
        switch (layout) {
            case IN_ORDER -> { }
            case REVERSED -> Collections.reverse(out);
            case SHUFFLED_WITH_UNKNOWN_AND_REPEATED_FIELDS -> {
                if (!out.isEmpty() && random.nextBoolean()) {
                    out.add(0, out.get(random.nextInt(out.size())));
                }
                Collections.shuffle(out, random);
                int unknown = 1 + random.nextInt(4);
                for (int i = 0; i < unknown; i++) {
                    out.add(random.nextInt(out.size() + 1), unknownField(random, topLevel));
                }
            }
            default -> throw new AssertionError(layout);
        }
        return concat(out.toArray(new byte[0][]));
    }

    /** An unknown field of a random wire type; some with a known number but another wire type (also unknown). */
    private static byte[] unknownField(Random random, boolean topLevel) throws IOException {
        int number = switch (random.nextInt(4)) {
            case 0 -> 13 + random.nextInt(20);
            case 1 -> 1_000 + random.nextInt(100_000);
            case 2 -> (1 << 29) - 1;
            default -> topLevel ? 3 : 1 + random.nextInt(12);
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        switch (random.nextInt(5)) {
            case 0 -> out.writeUInt64(number, random.nextLong());
            case 1 -> out.writeFixed64(number, random.nextLong());
            case 2 -> {
                byte[] junk = new byte[random.nextInt(6)];
                random.nextBytes(junk); // unknown bytes are not checked for UTF-8
                out.writeByteArray(number, junk);
            }
            case 3 -> {
                out.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
                out.writeUInt64(1, random.nextInt(300));
                out.writeTag(7, WireFormat.WIRETYPE_START_GROUP);
                out.writeFixed32(2, random.nextInt());
                out.writeTag(7, WireFormat.WIRETYPE_END_GROUP);
                out.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
            }
            default -> out.writeFixed32(number, random.nextInt());
        }
        out.flush();
        byte[] written = bytes.toByteArray();
        // A known number with a mismatched wire type must not collide with the real field's wire type.
        return isKnownTag(written, topLevel) ? unknownField(random, topLevel) : written;
    }

    private static boolean isKnownTag(byte[] field, boolean topLevel) {
        int tag = field[0] & 0xFF;
        return tag < 0x80 && (topLevel
                ? tag == 8 || tag == 18
                : List.of(10, 16, 24, 34, 40, 48, 56, 64, 74, 82, 89, 96).contains(tag));
    }

    // ------------------------------------------------------------------------------------------ byte helpers

    /** Groups nested {@code depth} deep, with nothing else in them. */
    private static byte[] groups(int depth) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int i = 0; i < depth; i++) {
            out.writeTag(20, WireFormat.WIRETYPE_START_GROUP);
        }
        for (int i = 0; i < depth; i++) {
            out.writeTag(20, WireFormat.WIRETYPE_END_GROUP);
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** A Decisions body holding one Decision with these bytes. */
    private static byte[] decisionsOf(byte[] decision) throws IOException {
        return field(2, decision);
    }

    /** A ServerFrame holding a Decisions with this body, alone, as the server writes it. */
    private static byte[] serverFrame(byte[] decisionsBody) throws IOException {
        return field(6, decisionsBody);
    }

    /** The length of the ServerFrame's decisions field body (its header is a one-byte tag and a varint). */
    private static int bodyLength(byte[] frame) {
        int length = 0;
        for (int i = 1, shift = 0; ; i++, shift += 7) {
            length |= (frame[i] & 0x7F) << shift;
            if (frame[i] >= 0) {
                return length;
            }
        }
    }

    private static byte[] field(int number, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(number, body);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] varintField(int number, long value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(number, value);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }
}
