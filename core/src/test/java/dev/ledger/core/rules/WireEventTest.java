package dev.ledger.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.Transfer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The server's reader of one event's wire bytes, on its fast path, its protobuf fallback and garbage. */
class WireEventTest {

    private final WireEvent wire = new WireEvent();

    private static MutationEvent transfer(String id, long amount) {
        return MutationEvent.newBuilder().setEventId(id).setTransfer(Transfer.newBuilder().setPayerAccountId("payer")
                .setPayeeAccountId("payée").setAmountMinor(amount).setCurrency("EUR")).build();
    }

    private static String text(WireEvent w, int field) {
        byte[] b = w.buffer();
        return new String(b, w.textOffset(field), w.textLength(field), StandardCharsets.UTF_8);
    }

    @Test
    void fastPathAndProtobufFallbackReadTheSameFields() {
        byte[] plain = transfer("e-1", 10).toByteArray();
        byte[] unknownField = Arrays.copyOf(plain, plain.length + 2);
        unknownField[plain.length] = (byte) (15 << 3); // an unknown varint field: only protobuf reads it
        unknownField[plain.length + 1] = 7;
        for (byte[] bytes : new byte[][] {plain, unknownField}) {
            assertThat(wire.read(bytes)).isNull();
            assertThat(wire.validate()).isNull();
            assertThat(wire.eventId()).isEqualTo("e-1");
            assertThat(wire.bodyField()).isEqualTo(MutationEvent.TRANSFER_FIELD_NUMBER);
            assertThat(text(wire, Transfer.PAYEE_ACCOUNT_ID_FIELD_NUMBER)).isEqualTo("payée");
            assertThat(wire.textBytes(Transfer.PAYER_ACCOUNT_ID_FIELD_NUMBER))
                    .isEqualTo("payer".getBytes(StandardCharsets.UTF_8));
            assertThat(wire.eventIdBytes()).isEqualTo("e-1".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void validateGivesTheValidatorsReasonForTheEventLastRead() {
        assertThat(wire.read(transfer("e-2", -5).toByteArray())).isNull();
        assertThat(wire.validate()).isEqualTo("transfer.amount_minor must be > 0: -5")
                .isEqualTo(new EventValidator().validate(transfer("e-2", -5)));
        assertThat(wire.read(MutationEvent.newBuilder().setEventId("s")
                .setSnapshot(Snapshot.newBuilder().setLabel("eod")).build().toByteArray())).isNull();
        assertThat(wire.validate()).as("nothing of the previous event is left").isNull();
        assertThat(wire.eventId()).isEqualTo("s");
    }

    @Test
    void garbageIsReportedWithProtobufsReasonAndLeavesNoEventBehind() {
        assertThat(wire.read(transfer("e-3", 10).toByteArray())).isNull();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        String reason = wire.read(garbage);
        InvalidProtocolBufferException expected = null;
        try {
            MutationEvent.parseFrom(garbage);
        } catch (InvalidProtocolBufferException e) {
            expected = e;
        }
        assertThat(expected).isNotNull();
        assertThat(reason).isEqualTo(expected.getMessage());
        assertThat(wire.eventId()).isEmpty();
        assertThat(wire.bodyField()).isZero();
    }
}
