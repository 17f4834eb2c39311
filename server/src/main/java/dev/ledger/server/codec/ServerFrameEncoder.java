package dev.ledger.server.codec;

import com.google.protobuf.CodedOutputStream;
import dev.ledger.proto.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a {@link ServerFrame} as a 4-byte big-endian length followed by its protobuf bytes, serialized straight
 * into one pooled buffer of exactly the right size.
 *
 * <p>Stateless and {@link ChannelHandler.Sharable}: one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class ServerFrameEncoder extends MessageToByteEncoder<ServerFrame> {

    public ServerFrameEncoder() {
        super(ServerFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ServerFrame msg, boolean preferDirect) {
        int size = 4 + msg.getSerializedSize();
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ServerFrame msg, ByteBuf out) throws IOException {
        int size = msg.getSerializedSize();
        out.writeInt(size);
        out.ensureWritable(size);
        CodedOutputStream output = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), size));
        msg.writeTo(output);
        output.flush();
        out.writerIndex(out.writerIndex() + size);
    }
}
