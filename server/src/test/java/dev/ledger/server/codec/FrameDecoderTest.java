package dev.ledger.server.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.Ping;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Snapshot;
import dev.ledger.proto.Submit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = 1024;

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX));
    }

    private static ByteBuf framed(ClientFrame frame) {
        byte[] payload = frame.toByteArray();
        return Unpooled.buffer().writeInt(payload.length).writeBytes(payload);
    }

    private static ClientFrame ping(long nonce) {
        return ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
    }

    /** Reads the one Error frame the decoder wrote and decodes it. */
    private static ServerFrame writtenFrame(EmbeddedChannel ch) throws Exception {
        ByteBuf out = ch.readOutbound();
        try {
            int length = out.readInt();
            assertThat(out.readableBytes()).isEqualTo(length);
            byte[] bytes = new byte[length];
            out.readBytes(bytes);
            return ServerFrame.parseFrom(bytes);
        } finally {
            out.release();
        }
    }

    private static void assertNoMoreFrames(EmbeddedChannel ch) {
        Object next = ch.readInbound();
        assertThat(next).isNull();
    }

    @Test
    void frameFedByteByByteIsDecodedOnceComplete() {
        EmbeddedChannel ch = channel();
        ByteBuf all = framed(ping(77));
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(1));
        }
        all.release();
        InboundFrame frame = ch.readInbound();
        assertThat(frame.view().getPing().getNonce()).isEqualTo(77);
        frame.release();
        assertNoMoreFrames(ch);
        assertFalse(ch.finish());
    }

    @Test
    void severalFramesInOneBufferAreAllDecodedInOrder() {
        EmbeddedChannel ch = channel();
        ByteBuf buf = Unpooled.buffer();
        for (long n = 1; n <= 3; n++) {
            ByteBuf one = framed(ping(n));
            buf.writeBytes(one);
            one.release();
        }
        ch.writeInbound(buf);
        for (long n = 1; n <= 3; n++) {
            InboundFrame frame = ch.readInbound();
            assertThat(frame.view().getPing().getNonce()).isEqualTo(n);
            frame.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void submitEventsArriveAsTheirOriginalBytes() {
        MutationEvent event = MutationEvent.newBuilder().setEventId("e-1")
                .setSnapshot(Snapshot.newBuilder().setLabel("x")).build();
        EmbeddedChannel ch = channel();
        ch.writeInbound(framed(ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setRequestId(5).addEvents(event)).build()));
        InboundFrame frame = ch.readInbound();
        ClientFrameView view = frame.view();
        assertThat(view.getSubmit().getRequestId()).isEqualTo(5);
        assertThat(view.getSubmit().getEvents(0).toByteArray()).isEqualTo(event.toByteArray());
        frame.release();
        assertFalse(ch.finish());
    }

    @Test
    void oversizeLengthIsRefusedFromTheHeaderAloneAndCloses() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE));
        ServerFrame error = writtenFrame(ch);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        assertThat(error.getError().getMessage()).contains(String.valueOf(Integer.MAX_VALUE)).contains(String.valueOf(MAX));
        assertThat(ch.isOpen()).isFalse();
        assertNoMoreFrames(ch);
        assertFalse(ch.finish());
    }

    @Test
    void lengthAboveTwoGibibytesIsReadUnsignedAndRefused() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.buffer().writeInt(0xFFFFFFFF));
        ServerFrame error = writtenFrame(ch);
        assertThat(error.getError().getMessage()).contains("4294967295");
        assertFalse(ch.finish());
    }

    @Test
    void zeroLengthIsRefusedAsEmptyFrame() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.buffer().writeInt(0));
        assertThat(writtenFrame(ch).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_EMPTY_FRAME);
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void garbagePayloadIsRefusedAsMalformed() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertThat(writtenFrame(ch).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
        assertThat(ch.isOpen()).isFalse();
        assertNoMoreFrames(ch);
        assertFalse(ch.finish());
    }

    @Test
    void frameWithNoKindIsRefusedAsMalformed() throws Exception {
        EmbeddedChannel ch = channel();
        // field 9 (varint 1): parses, but is none of hello, submit, ping
        ch.writeInbound(Unpooled.buffer().writeInt(2).writeBytes(new byte[] {0x48, 0x01}));
        assertThat(writtenFrame(ch).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
        assertFalse(ch.finish());
    }

    @Test
    void bytesAfterARefusedFrameAreDiscarded() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX));
        ByteBuf buf = Unpooled.buffer().writeInt(0);
        ByteBuf valid = framed(ClientFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)).build());
        buf.writeBytes(valid);
        valid.release();
        ch.writeInbound(buf);
        assertThat(writtenFrame(ch).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_EMPTY_FRAME);
        assertNoMoreFrames(ch);
        assertFalse(ch.finish());
    }

    @Test
    void encoderWritesLengthPrefixedServerFrames() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder());
        ServerFrame pong = ServerFrames.pong(9);
        ch.writeOutbound(pong);
        assertThat(writtenFrame(ch)).isEqualTo(pong);
        assertFalse(ch.finish());
    }
}
