package dev.ledger.server.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes one ServerFrame with a single message field straight into an exactly sized pooled buffer: the 4-byte
 * length prefix, the field's tag and length, then the body the caller writes. Shared by {@link AckFrame} and
 * {@link DecisionsFrame}, which compute the body's size first. Thread-safe (stateless).
 */
final class FrameBuffer {

    /** Writes a body of exactly the size the caller computed. */
    interface Body {
        void writeTo(CodedOutputStream output) throws IOException;
    }

    private FrameBuffer() {
    }

    /**
     * The frame in a buffer from {@code alloc} that the caller now owns; released here if the body fails or does not
     * have {@code bodySize} bytes.
     *
     * @param kind and {@code requestId} name the frame in the error ("Ack of request 7"), built only then
     */
    static ByteBuf encode(ByteBufAllocator alloc, int frameField, int bodySize, String kind, long requestId,
            Body body) {
        int frameSize = CodedOutputStream.computeTagSize(frameField) + CodedOutputStream.computeUInt32SizeNoTag(bodySize)
                + bodySize;
        ByteBuf out = alloc.ioBuffer(4 + frameSize, 4 + frameSize);
        try {
            out.writeInt(frameSize);
            CodedOutputStream output = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), frameSize));
            output.writeTag(frameField, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            output.writeUInt32NoTag(bodySize);
            body.writeTo(output);
            output.flush();
            output.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + frameSize);
            return out;
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(kind + " of request " + requestId + " did not fit its computed size", e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
