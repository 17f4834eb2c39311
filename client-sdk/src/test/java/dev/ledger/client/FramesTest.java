package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledger.proto.Ack;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static PendingEvent pending(MutationEvent event) {
        return new PendingEvent(event.getEventId(), event.toByteString(), Long.MAX_VALUE, 1, PendingEvent.NO_BOOKKEEPING);
    }

    @Test
    void submitFromRawEventBytesParsesAsAClientFrameWithTheSameEvents() throws Exception {
        MutationEvent a = Mutations.topUp("acc-1", "settle", 500, "EUR");
        MutationEvent b = Mutations.snapshot("nightly");
        ByteBuf buf = Frames.submit(ByteBufAllocator.DEFAULT, 42, List.of(pending(a), pending(b)));
        try {
            int length = buf.readInt();
            assertThat(length).isEqualTo(buf.readableBytes());
            ClientFrame frame = ClientFrame.parseFrom(buf.nioBuffer());

            assertThat(frame.getSubmit().getRequestId()).isEqualTo(42);
            assertThat(frame.getSubmit().getEventsList()).containsExactly(a, b);
        } finally {
            buf.release();
        }
    }

    @Test
    void helloCarriesProtocolVersionNameAndToken() throws Exception {
        ByteBuf buf = Frames.hello(ByteBufAllocator.DEFAULT, "tests", "secret");
        try {
            buf.skipBytes(Frames.LENGTH_PREFIX_BYTES);
            ClientFrame frame = ClientFrame.parseFrom(buf.nioBuffer());

            assertThat(frame.getHello().getProtocolVersion()).isEqualTo(1);
            assertThat(frame.getHello().getClientName()).isEqualTo("tests");
            assertThat(frame.getHello().getAuthToken()).isEqualTo("secret");
        } finally {
            buf.release();
        }
    }

    @Test
    void pingCarriesItsNonce() throws Exception {
        ByteBuf buf = Frames.ping(ByteBufAllocator.DEFAULT, 99);
        try {
            buf.skipBytes(Frames.LENGTH_PREFIX_BYTES);

            assertThat(ClientFrame.parseFrom(buf.nioBuffer()).getPing().getNonce()).isEqualTo(99);
        } finally {
            buf.release();
        }
    }

    @Test
    void serverFrameSplitAcrossReadsIsDecodedOnce() {
        ServerFrame ack = ServerFrame.newBuilder().setAck(Ack.newBuilder().setRequestId(7).addResults(
                EventResult.newBuilder().setEventId("e1").setStatus(Status.STATUS_ACCEPTED).setOffset(3))).build();
        ByteBuf wire = Frames.encode(ByteBufAllocator.DEFAULT, ack);
        EmbeddedChannel ch = new EmbeddedChannel(ServerFrameDecoder.newFramer(), ServerFrameDecoder.INSTANCE);

        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
        }
        wire.release();

        assertThat((ServerFrame) ch.readInbound()).isEqualTo(ack);
        Object nothingMore = ch.readInbound();
        assertThat(nothingMore).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void oversizeLengthPrefixFailsFast() {
        EmbeddedChannel ch = new EmbeddedChannel(ServerFrameDecoder.newFramer(), ServerFrameDecoder.INSTANCE);
        ByteBuf buf = Unpooled.buffer().writeInt(ServerFrameDecoder.MAX_INBOUND_FRAME_BYTES + 1).writeByte(0);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.writeInbound(buf))
                .isInstanceOf(TooLongFrameException.class);
        assertFalse(ch.finish());
    }
}
