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
import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = 1024;
    /** The server's limit before Hello ({@code ServerInitializer.PRE_HELLO_MAX_FRAME_BYTES}). */
    private static final int PRE_HELLO = 16 * 1024;
    private static final int MAX_AFTER_HELLO = 64 * 1024;

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
    /** A Hello whose encoded ClientFrame is exactly {@code bytes} long (padded through its client name). */
    private static ClientFrame helloOfSize(int bytes) {
        for (int pad = bytes; pad >= 0; pad--) {
            ClientFrame f = ClientFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)
                    .setClientName("n".repeat(pad))).build();
            if (f.getSerializedSize() == bytes) {
                return f;
            }
        }
        throw new AssertionError("no Hello of " + bytes + " bytes");
    }

    /** A Submit whose encoded ClientFrame is exactly {@code bytes} long (padded through one event's bytes). */
    private static ClientFrame submitOfSize(int bytes) {
        for (int pad = bytes; pad >= 0; pad--) {
            ClientFrame f = ClientFrame.newBuilder().setSubmit(Submit.newBuilder().setRequestId(1)
                    .addEvents(MutationEvent.newBuilder().setEventId("e").setSnapshot(
                            Snapshot.newBuilder().setLabel("l".repeat(pad))))).build();
            if (f.getSerializedSize() == bytes) {
                return f;
            }
        }
        throw new AssertionError("no Submit of " + bytes + " bytes");
    }

    /** Writes {@code frame}, then returns the decoded frame's kind (and releases it), or null if none came. */
    private static ClientFrameView.KindCase decodeOne(EmbeddedChannel ch, ClientFrame frame) {
        ch.writeInbound(framed(frame));
        InboundFrame decoded = ch.readInbound();
        if (decoded == null) {
            return null;
        }
        try {
            return decoded.view().getKindCase();
        } finally {
            decoded.release();
        }
    }

    @Test
    void aFrameOfExactlyMaxFrameBytesIsAccepted() {
        EmbeddedChannel ch = channel();
        assertThat(decodeOne(ch, helloOfSize(MAX))).isEqualTo(ClientFrameView.KindCase.HELLO);
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aFrameOfOneByteMoreThanMaxFrameBytesIsRefused() throws Exception {
        EmbeddedChannel ch = channel();
        assertThat(decodeOne(ch, helloOfSize(MAX + 1))).isNull();
        ServerFrame error = writtenFrame(ch);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        assertThat(error.getError().getMessage()).isEqualTo("frame length 1025 exceeds the limit of 1024 bytes");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void beforeHelloAFrameOfExactly16KiBIsAccepted() {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX_AFTER_HELLO, PRE_HELLO));
        assertThat(decodeOne(ch, helloOfSize(PRE_HELLO))).isEqualTo(ClientFrameView.KindCase.HELLO);
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void beforeHelloAFrameOfOneByteMoreThan16KiBIsRefusedSayingSo() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX_AFTER_HELLO, PRE_HELLO));
        assertThat(decodeOne(ch, helloOfSize(PRE_HELLO + 1))).isNull();
        ServerFrame error = writtenFrame(ch);
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        assertThat(error.getError().getMessage())
                .isEqualTo("frame length 16385 exceeds the limit of 16384 bytes before Hello");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void afterHelloTheFullLimitHoldsUpToItsLastByte() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX_AFTER_HELLO, PRE_HELLO));
        assertThat(decodeOne(ch, helloOfSize(100))).isEqualTo(ClientFrameView.KindCase.HELLO);
        assertThat(decodeOne(ch, submitOfSize(PRE_HELLO + 1))).isEqualTo(ClientFrameView.KindCase.SUBMIT);
        assertThat(decodeOne(ch, submitOfSize(MAX_AFTER_HELLO))).isEqualTo(ClientFrameView.KindCase.SUBMIT);
        assertThat(decodeOne(ch, submitOfSize(MAX_AFTER_HELLO + 1))).isNull();
        ServerFrame error = writtenFrame(ch);
        assertThat(error.getError().getMessage())
                .isEqualTo("frame length 65537 exceeds the limit of 65536 bytes");
        assertFalse(ch.finish());
    }

    @Test
    void onlyAHelloLiftsThePreHelloLimit() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX_AFTER_HELLO, PRE_HELLO));
        assertThat(decodeOne(ch, submitOfSize(PRE_HELLO))).as("the decoder frames it; the handler refuses it")
                .isEqualTo(ClientFrameView.KindCase.SUBMIT);
        assertThat(decodeOne(ch, submitOfSize(PRE_HELLO + 1))).isNull();
        assertThat(writtenFrame(ch).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
        assertFalse(ch.finish());
    }

    @Test
    void aPreHelloLimitAboveTheMaxFrameIsCappedAtTheMaxFrame() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), new FrameDecoder(MAX, PRE_HELLO));
        assertThat(decodeOne(ch, helloOfSize(MAX + 1))).isNull();
        assertThat(writtenFrame(ch).getError().getMessage())
                .isEqualTo("frame length 1025 exceeds the limit of 1024 bytes");
        assertFalse(ch.finish());
    }

    @Test
    void aFrameWhoseLengthArrivedButNotItsPayloadWaitsForTheRest() {
        EmbeddedChannel ch = channel();
        ByteBuf all = framed(helloOfSize(MAX));
        ch.writeInbound(all.readRetainedSlice(4 + MAX - 1));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(all);
        InboundFrame frame = ch.readInbound();
        assertThat(frame.view().getHello().getClientName()).hasSizeGreaterThan(1000);
        frame.release();
        assertFalse(ch.finish());
    }

    @Test
    void aFrameSpreadOverSeveralBuffersOfACompositeCumulationIsParsedWhole() {
        FrameDecoder decoder = new FrameDecoder(MAX);
        decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        EmbeddedChannel ch = new EmbeddedChannel(new ServerFrameEncoder(), decoder);
        MutationEvent event = MutationEvent.newBuilder().setEventId("e-9")
                .setSnapshot(Snapshot.newBuilder().setLabel("spread")).build();
        ByteBuf all = framed(ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setRequestId(3).addEvents(event)).build());
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(Math.min(5, all.readableBytes())));
        }
        all.release();
        InboundFrame frame = ch.readInbound();
        assertThat(frame.view().getSubmit().getEvents(0)).isEqualTo(ByteString.copyFrom(event.toByteArray()));
        frame.release();
        assertFalse(ch.finish());
    }

    @Test
    void aRefusedConnectionStopsReading() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.buffer().writeInt(0));
        assertThat(ch.config().isAutoRead()).isFalse();
        writtenFrame(ch);
        assertFalse(ch.finish());
    }

    @Test
    void aPeerThatNeverLetsTheErrorThroughIsClosedAfterTheGracePeriod() {
        // Writes never complete here, as with a peer that reads nothing: only the grace timer can close.
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
            }
        }, new ServerFrameEncoder(), new FrameDecoder(MAX));
        ch.freezeTime(); // the grace timer runs on the channel's clock, advanced by hand
        ch.writeInbound(Unpooled.buffer().writeInt(MAX + 1));
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("within the grace period").isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }
    @Test
    void aMalformedFrameIsReleasedWithTheInput() throws Exception {
        EmbeddedChannel ch = channel();
        ByteBuf in = Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        in.retain(); // the test's own reference, to look at afterwards
        ch.writeInbound(in);
        writtenFrame(ch);
        assertThat(in.refCnt()).as("only the test's reference is left").isEqualTo(1);
        in.release();
        assertFalse(ch.finish());
    }
    @Test
    void eventBytesPointIntoTheFrameBufferInsteadOfBeingCopied() {
        for (boolean direct : new boolean[] {false, true}) { // the server reads into pooled direct buffers
            EmbeddedChannel ch = channel();
            MutationEvent event = MutationEvent.newBuilder().setEventId("e-1")
                    .setSnapshot(Snapshot.newBuilder().setLabel("aliased")).build();
            ByteBuf heap = framed(ClientFrame.newBuilder()
                    .setSubmit(Submit.newBuilder().setRequestId(5).addEvents(event)).build());
            ByteBuf in = direct ? Unpooled.directBuffer().writeBytes(heap) : heap.retain();
            heap.release();
            ch.writeInbound(in);
            InboundFrame frame = ch.readInbound();
            ByteString bytes = frame.view().getSubmit().getEvents(0);
            ByteBuf content = frame.content();
            for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
                content.setByte(i, 0x7F);
            }
            assertThat(bytes.toByteArray()).as("direct=%s: the event's bytes are the frame's", direct)
                    .containsOnly(0x7F);
            frame.release();
            assertFalse(ch.finish());
        }
    }
}
