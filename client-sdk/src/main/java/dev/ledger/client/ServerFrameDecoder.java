package dev.ledger.client;

import dev.ledger.proto.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns one length-delimited frame (already cut by {@link #newFramer()}) into a {@link ServerFrame}. A frame that
 * does not parse raises an exception, which closes the connection; its in-flight events are then resent elsewhere.
 * Stateless and {@link io.netty.channel.ChannelHandler.Sharable}.
 */
@io.netty.channel.ChannelHandler.Sharable
final class ServerFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    /** Server frames are Acks and small control frames; anything larger than this is a broken stream. */
    static final int MAX_INBOUND_FRAME_BYTES = 16 * 1024 * 1024;

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
        out.add(ServerFrame.parseFrom(frame.nioBuffer()));
    }
}
