package dev.ledger.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.ledger.proto.ClientFrame;
import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.Hello;
import dev.ledger.proto.Ping;
import dev.ledger.proto.SubmitView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes client frames as the wire wants them: a 4-byte big-endian length, then one ClientFrame. A Submit is
 * written through {@link ClientFrameView}, which has the same field numbers but carries each event as the bytes the
 * submitting thread already encoded, so the event loop only copies bytes and never re-encodes an event. Stateless.
 */
final class Frames {

    static final int LENGTH_PREFIX_BYTES = 4;

    private Frames() {
    }

    static ByteBuf hello(ByteBufAllocator alloc, String clientName, String authToken) {
        return encode(alloc, ClientFrame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(ClientSettings.PROTOCOL_VERSION)
                        .setClientName(clientName).setAuthToken(authToken))
                .build());
    }

    static ByteBuf ping(ByteBufAllocator alloc, long nonce) {
        return encode(alloc, ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    }

    static ByteBuf submit(ByteBufAllocator alloc, long requestId, List<PendingEvent> events) {
        List<ByteString> bytes = new ArrayList<>(events.size());
        for (PendingEvent event : events) {
            bytes.add(event.bytes);
        }
        return encode(alloc, ClientFrameView.newBuilder()
                .setSubmit(SubmitView.newBuilder().setRequestId(requestId).addAllEvents(bytes)
                        .setAwaitDecision(events.get(0).awaitsDecision()))
                .build());
    }

    /** Length prefix plus the message, in one buffer sized exactly. */
    static ByteBuf encode(ByteBufAllocator alloc, MessageLite message) {
        int size = message.getSerializedSize();
        ByteBuf buf = alloc.buffer(LENGTH_PREFIX_BYTES + size);
        try {
            buf.writeInt(size);
            CodedOutputStream out = CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), size));
            message.writeTo(out);
            out.flush();
            buf.writerIndex(buf.writerIndex() + size);
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }
}
