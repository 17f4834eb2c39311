package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event id read from a decision record's bytes: the fast path, its fallback to protobuf, and garbage. */
class DecisionEventIdsTest {

    private static Decision full(String id) {
        return Decision.newBuilder().setEventId(id).setOutcome(Outcome.OUTCOME_REJECTED)
                .setReasonCode(ReasonCode.REASON_INSUFFICIENT_FUNDS).setReason("balance 5 < 10 ✓").setDuplicate(true)
                .setMutationPartition(3).setMutationOffset(1L << 40).setSequence(99)
                .addBalances(AccountBalance.newBuilder().setAccountId("acct-ü").setBalanceMinor(-5))
                .setBodyHash(0xDEADBEEFCAFEL).setOriginalSequence(7).build();
    }

    @Test
    void theCoresShapeIsReadWithoutProtobuf() {
        assertThat(DecisionEventIds.fast(full("evt-1").toByteArray())).isEqualTo("evt-1");
        assertThat(DecisionEventIds.fast(Decision.newBuilder().setEventId("x".repeat(300)).build().toByteArray()))
                .isEqualTo("x".repeat(300));
    }

    @Test
    void locateGivesTheIdsPlaceInTheRecordOnlyForTheCoresShape() {
        String id = "0192f1c4-6e2a-7b3c-9d1e-4f5a6b7c8d9e";
        byte[] record = full(id).toByteArray();
        long at = DecisionEventIds.locate(record);
        assertThat(at).isNotNegative();
        assertThat(new String(record, DecisionEventIds.start(at), DecisionEventIds.length(at),
                java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(id);
        byte[] longId = Decision.newBuilder().setEventId("y".repeat(200)).build().toByteArray();
        assertThat(DecisionEventIds.start(DecisionEventIds.locate(longId))).as("after a 2-byte length").isEqualTo(3);
        assertThat(DecisionEventIds.length(DecisionEventIds.locate(longId))).isEqualTo(200);
        assertThat(DecisionEventIds.locate(full("événement").toByteArray())).isNegative();
        assertThat(DecisionEventIds.locate(new byte[] {10, 3, 'e', '-', '1', (byte) 0xFF})).isNegative();
    }

    @Test
    void otherShapesFallBackToProtobufAndGiveTheSameId() throws Exception {
        byte[] nonAscii = full("événement-名").toByteArray();
        assertThat(DecisionEventIds.fast(nonAscii)).isNull();
        assertThat(DecisionEventIds.of(nonAscii)).isEqualTo("événement-名");

        byte[] noId = full("").toByteArray();
        assertThat(DecisionEventIds.fast(noId)).isNull();
        assertThat(DecisionEventIds.of(noId)).isEmpty();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeEnum(Decision.OUTCOME_FIELD_NUMBER, Outcome.OUTCOME_APPLIED_VALUE);
        out.writeString(Decision.EVENT_ID_FIELD_NUMBER, "late-id");
        out.flush();
        byte[] idLater = bytes.toByteArray();
        assertThat(DecisionEventIds.fast(idLater)).isNull();
        assertThat(DecisionEventIds.of(idLater)).isEqualTo("late-id");
    }

    @Test
    void aRecordWithAnUnknownFieldIsStillReadFast() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(Decision.EVENT_ID_FIELD_NUMBER, "evt-2");
        out.writeFixed32(99, 7);
        out.writeFixed64(100, 7);
        out.writeUInt64(101, -1L);
        out.flush();
        assertThat(DecisionEventIds.fast(bytes.toByteArray())).isEqualTo("evt-2");
        assertThat(DecisionEventIds.of(bytes.toByteArray())).isEqualTo(Decision.parseFrom(bytes.toByteArray())
                .getEventId());
    }

    @Test
    void aSecondEventIdIsLeftToProtobufWhichTakesTheLast() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(Decision.EVENT_ID_FIELD_NUMBER, "first");
        out.writeString(Decision.EVENT_ID_FIELD_NUMBER, "last");
        out.flush();
        assertThat(DecisionEventIds.fast(bytes.toByteArray())).isNull();
        assertThat(DecisionEventIds.of(bytes.toByteArray())).isEqualTo("last");
    }

    @Test
    void aTruncatedRecordIsUnreadable() {
        byte[] whole = full("evt-3").toByteArray();
        for (int length = 1; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            boolean protobufReadsIt;
            try {
                Decision.parseFrom(cut);
                protobufReadsIt = true;
            } catch (InvalidProtocolBufferException e) {
                protobufReadsIt = false;
            }
            if (protobufReadsIt) {
                continue; // cut at a field's end: a shorter, valid record
            }
            assertThat(DecisionEventIds.fast(cut)).as("cut at %d", length).isNull();
            assertThatThrownBy(() -> DecisionEventIds.of(cut)).isInstanceOf(InvalidProtocolBufferException.class);
        }
    }

    @Test
    void randomBytesGiveProtobufsAnswer() {
        Random random = new Random(21);
        byte[] valid = full("evt-4").toByteArray();
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = round % 2 == 0 ? new byte[random.nextInt(40)] : valid.clone();
            if (round % 2 == 0) {
                random.nextBytes(bytes);
                if (bytes.length > 0 && random.nextBoolean()) {
                    bytes[0] = 10; // an event_id tag first, garbage after
                }
            } else {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // one byte flipped
            }
            String expected;
            try {
                expected = Decision.parseFrom(bytes).getEventId();
            } catch (InvalidProtocolBufferException e) {
                expected = null;
            }
            String fast = DecisionEventIds.fast(bytes);
            byte[] record = bytes;
            if (expected != null) {
                assertThat(fast == null ? expected : fast).as("fast read of %s", Arrays.toString(bytes))
                        .isEqualTo(expected);
                assertThatCode(() -> assertThat(DecisionEventIds.of(record)).isEqualTo(Decision.parseFrom(record)
                        .getEventId())).doesNotThrowAnyException();
            } else if (fast == null) {
                assertThatThrownBy(() -> DecisionEventIds.of(record))
                        .isInstanceOf(InvalidProtocolBufferException.class);
            }
        }
    }
}
