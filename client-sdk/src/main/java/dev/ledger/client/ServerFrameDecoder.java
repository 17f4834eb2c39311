package dev.ledger.client;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledger.proto.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns one length-delimited frame (already cut by {@link #newFramer()}) into a {@link ServerFrame}, or, for the
 * {@code decisions} kind, into a {@link DecisionsFrame} read without protobuf message objects (the bulk of the
 * inbound traffic of {@code submitForDecision}; most of its strings are never looked at). A frame that does not
 * parse raises an exception, which closes the connection; its in-flight events are then resent elsewhere. The
 * Decisions reader throws on exactly the frames protobuf parsing throws on.
 *
 * <p>Only a frame that is the {@code decisions} field alone, as servers write it, takes the hand-written reader; any
 * other shape (unknown fields beside it, several kinds, a tag in a longer encoding) is left to protobuf and so
 * keeps protobuf's rules for a oneof; {@link Connection} turns such a frame's Decisions into a {@link DecisionsFrame}.
 * Stateless and {@link io.netty.channel.ChannelHandler.Sharable}.
 */
@io.netty.channel.ChannelHandler.Sharable
final class ServerFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    /** Server frames are Acks and small control frames; anything larger than this is a broken stream. */
    static final int MAX_INBOUND_FRAME_BYTES = 16 * 1024 * 1024;

    /** ServerFrame's {@code decisions = 6}, length-delimited, as its one-byte tag. */
    private static final byte DECISIONS_TAG = 6 << 3 | 2;

    static final ServerFrameDecoder INSTANCE = new ServerFrameDecoder();

    private ServerFrameDecoder() {
        super(ByteBuf.class);
    }

    /** A new framer per channel (it is stateful): 4-byte length, capped, fail fast. */
    static LengthFieldBasedFrameDecoder newFramer() {
        return new LengthFieldBasedFrameDecoder(MAX_INBOUND_FRAME_BYTES, 0, Frames.LENGTH_PREFIX_BYTES, 0,
                Frames.LENGTH_PREFIX_BYTES, true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
        if (frame.isReadable() && frame.getByte(frame.readerIndex()) == DECISIONS_TAG) {
            // A copy: the frame's buffer is released before the result is handled, and may be reused by then.
            DecisionsFrame decisions = decisionsAlone(ByteBufUtil.getBytes(frame));
            if (decisions != null) {
                out.add(decisions);
                return;
            }
        }
        out.add(ServerFrame.parseFrom(frame.nioBuffer()));
    }

    /**
     * The frame's Decisions when the frame is that one field and nothing else, null otherwise (then protobuf parses
     * the frame, and throws if its length is bad).
     */
    private static DecisionsFrame decisionsAlone(byte[] frame) throws InvalidProtocolBufferException {
        WireReader r = new WireReader(frame, 1, frame.length);
        int end;
        try {
            end = r.readLengthDelimited();
        } catch (InvalidProtocolBufferException badLength) {
            return null;
        }
        return end == frame.length ? DecisionsFrame.read(frame, r.pos, end) : null;
    }
}
