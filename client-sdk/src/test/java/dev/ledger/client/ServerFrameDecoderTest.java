package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.ledger.proto.Ack;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ServerFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

/** Which frames take the hand-written Decisions reader, and that a bad one still closes the connection. */
class ServerFrameDecoderTest {

    private static final Decisions DECISIONS = Decisions.newBuilder().setRequestId(7)
            .addDecisions(dev.ledger.proto.Decision.newBuilder().setEventId("e-1").setOutcome(Outcome.OUTCOME_APPLIED)
                    .setMutationOffset(42))
            .build();

    private static Object decodeOne(byte[] frame) {
        EmbeddedChannel ch = new EmbeddedChannel(ServerFrameDecoder.newFramer(), ServerFrameDecoder.INSTANCE);
        ch.writeInbound(Unpooled.buffer().writeInt(frame.length).writeBytes(frame));
        Object decoded = ch.readInbound();
        Object nothingMore = ch.readInbound();
        assertThat(nothingMore).isNull();
        assertFalse(ch.finish());
        return decoded;
    }

    @Test
    void aDecisionsFrameAsServersWriteItIsReadWithoutProtobufObjects() {
        Object decoded = decodeOne(ServerFrame.newBuilder().setDecisions(DECISIONS).build().toByteArray());
        assertThat(decoded).isInstanceOfSatisfying(DecisionsFrame.class, f -> {
            assertThat(f.requestId).isEqualTo(7);
            assertThat(f.get(0).hasEventId("e-1")).isTrue();
            assertThat(f.get(0).offset).isEqualTo(42);
        });
    }

    @Test
    void everyOtherKindIsParsedByProtobufAsBefore() {
        ServerFrame ack = ServerFrame.newBuilder().setAck(Ack.newBuilder().setRequestId(3)).build();
        assertThat(decodeOne(ack.toByteArray())).isEqualTo(ack);
    }

    @Test
    void aDecisionsFrameOfAnotherShapeIsLeftToProtobufAndReadsTheSame() throws Exception {
        ServerFrame withUnknown = ServerFrame.newBuilder().setDecisions(DECISIONS).setUnknownFields(
                UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build()).build();
        // The oneof set twice: protobuf's rules (here: the second Decisions merged into the first) decide.
        byte[] twice = concat(ServerFrame.newBuilder().setDecisions(DECISIONS).build().toByteArray(),
                ServerFrame.newBuilder().setDecisions(Decisions.newBuilder().setRequestId(8)).build().toByteArray());
        for (byte[] frame : new byte[][] {withUnknown.toByteArray(), twice}) {
            Object decoded = decodeOne(frame);
            ServerFrame expected = ServerFrame.parseFrom(frame);
            assertThat(decoded).isEqualTo(expected);
            DecisionsFrame read = DecisionsFrame.of(((ServerFrame) decoded).getDecisions());
            assertThat(read.requestId).isEqualTo(expected.getDecisions().getRequestId());
            assertThat(read.size()).isEqualTo(expected.getDecisions().getDecisionsCount());
        }
    }

    @Test
    void aMalformedDecisionsFrameRaisesAnExceptionThatClosesTheConnection() {
        byte[] frame = ServerFrame.newBuilder().setDecisions(DECISIONS).build().toByteArray();
        int id = indexOf(frame, (byte) 'e');
        frame[id] = (byte) 0xC3; // "e-1" becomes invalid UTF-8 (a lead byte followed by '-')
        assertThatThrownBy(() -> ServerFrame.parseFrom(frame)).isInstanceOf(InvalidProtocolBufferException.class);

        EmbeddedChannel ch = new EmbeddedChannel(ServerFrameDecoder.newFramer(), ServerFrameDecoder.INSTANCE);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(frame.length).writeBytes(frame)))
                .isInstanceOf(DecoderException.class).hasCauseInstanceOf(InvalidProtocolBufferException.class);
        Object nothing = ch.readInbound();
        assertThat(nothing).isNull();
        assertFalse(ch.finish());
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
