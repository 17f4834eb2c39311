package dev.ledger.server.codec;

import dev.ledger.proto.ClientFrameView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One decoded client frame: the parsed {@link ClientFrameView} plus the buffer its event bytes alias.
 *
 * <p>The events of a Submit are {@code ByteString}s that point into {@link #content()} (no per-event copy), so
 * they are valid only until this frame is released. The handler that consumes it releases it. Not thread-safe.
 */
public final class InboundFrame extends DefaultByteBufHolder {

    private final ClientFrameView view;

    InboundFrame(ByteBuf frameBytes, ClientFrameView view) {
        super(frameBytes);
        this.view = view;
    }

    public ClientFrameView view() {
        return view;
    }
}
