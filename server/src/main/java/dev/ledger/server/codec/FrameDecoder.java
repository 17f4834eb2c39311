package dev.ledger.server.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the inbound byte stream into frames (4-byte big-endian unsigned length + payload) and parses each payload
 * as a {@link ClientFrameView}, emitting {@link InboundFrame}s.
 *
 * <p>The length is checked against {@code maxFrameBytes} as soon as its 4 bytes arrive, before any payload is
 * buffered. A zero or oversize length, or a payload that does not parse, is answered here with an {@code Error}
 * frame (EMPTY_FRAME, FRAME_TOO_LARGE, MALFORMED_FRAME) and the connection is closed; every byte after that is
 * discarded. A {@link FrameRejected} user event tells the handlers after it. Payloads are parsed with aliasing on, so event bytes are views of the frame buffer, not copies.
 *
 * <p>One instance per channel; not thread-safe (runs on the channel's event loop).
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final int LENGTH_BYTES = 4;

    private final int maxFrameBytes;
    /** The limit in force: {@code preHelloMaxFrameBytes} until a Hello has been decoded, then {@code maxFrameBytes}. */
    private int limit;
    private boolean failed;

    /** A decoder with one limit for every frame. */
    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, maxFrameBytes);
    }

    /**
     * @param maxFrameBytes the limit once the connection has sent its Hello
     * @param preHelloMaxFrameBytes the limit until then, so that a connection that has not identified itself cannot
     *     make the server buffer a large frame (a Hello is small)
     */
    public FrameDecoder(int maxFrameBytes, int preHelloMaxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.limit = Math.min(maxFrameBytes, preHelloMaxFrameBytes);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length == 0) {
            fail(ctx, in, ErrorCode.ERROR_CODE_EMPTY_FRAME,
                    "frame length is 0; a frame carries 1.." + limit + " bytes");
            return;
        }
        if (length > limit) {
            fail(ctx, in, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, "frame length " + length + " exceeds the limit of "
                    + limit + " bytes" + (limit < maxFrameBytes ? " before Hello" : ""));
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(LENGTH_BYTES);
        ByteBuf frame = in.readRetainedSlice((int) length);
        try {
            ClientFrameView view = parse(frame);
            if (view.getKindCase() == ClientFrameView.KindCase.HELLO) {
                limit = maxFrameBytes;
            }
            out.add(new InboundFrame(frame, view));
        } catch (IOException e) {
            frame.release();
            fail(ctx, in, ErrorCode.ERROR_CODE_MALFORMED_FRAME,
                    "frame of " + length + " bytes is not a ClientFrame: " + e.getMessage());
        }
    }

    private static ClientFrameView parse(ByteBuf frame) throws IOException {
        // Aliasing only takes effect on input protobuf may treat as immutable: CodedInputStream.newInstance
        // (ByteBuffer or byte[]) is not, and copied every event's bytes; an unsafeWrap'd ByteString's input is.
        CodedInputStream input;
        if (frame.nioBufferCount() == 1) {
            ByteBuffer nio = frame.nioBuffer();
            input = UnsafeByteOperations.unsafeWrap(nio).newCodedInput();
        } else {
            // Rare (composite cumulation): one copy of the whole frame, then events alias that copy.
            byte[] copy = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), copy);
            input = UnsafeByteOperations.unsafeWrap(copy).newCodedInput();
        }
        input.enableAliasing(true);
        ClientFrameView view = ClientFrameView.parseFrom(input);
        if (view.getKindCase() == ClientFrameView.KindCase.KIND_NOT_SET) {
            throw new InvalidProtocolBufferException("none of hello, submit, ping is set");
        }
        return view;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, ErrorCode code, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new FrameRejected(code));
        ConnectionFailure.fail(ctx, code, message);
    }
}
