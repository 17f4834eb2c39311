package dev.ledger.server.codec;

import dev.ledger.proto.ErrorCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.TimeUnit;

/**
 * The one way the server fails a connection: stop reading, write an {@code Error} frame, close once it is flushed,
 * and close regardless after {@link #CLOSE_GRACE_MS} (a client that reads nothing never lets the Error through).
 * Used by the {@link FrameDecoder} (frames it refuses) and the connection handler (everything else), which keep
 * their own bookkeeping (metrics, log line) and call this for the wire part.
 *
 * <p>Thread-safe (stateless); call it on the connection's event loop.
 */
public final class ConnectionFailure {

    /** How long an Error frame may take to reach a client before the connection is closed anyway. */
    public static final long CLOSE_GRACE_MS = 2000;

    private ConnectionFailure() {
    }

    public static void fail(ChannelHandlerContext ctx, ErrorCode code, String message) {
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(ServerFrames.error(code, message)).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }
}
