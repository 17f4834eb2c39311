package dev.ledger.server.security;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the {@code SslHandler}: a failed handshake, or any TLS failure later (garbage after the
 * handshake, a bad record), becomes one log line without a stack trace and a closed connection, and is counted.
 * A plaintext client on the TLS port lands here too (not a TLS record). Everything else passes through.
 *
 * <p>Stateless apart from the shared counter, so one instance serves every connection.
 */
@ChannelHandler.Sharable
public final class TlsGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsGuard.class);
    private static final AttributeKey<Boolean> REPORTED = AttributeKey.valueOf("ledger.tls.reported");

    private final LongAdder failures;

    /** Whether this connection was closed for a TLS failure (here, or by a {@link PlaintextGuard}). */
    public static boolean failed(io.netty.channel.Channel channel) {
        return channel.hasAttr(REPORTED) && Boolean.TRUE.equals(channel.attr(REPORTED).get());
    }

    /** Marks the connection as closed for a TLS failure; true the first time. */
    static boolean markFailed(io.netty.channel.Channel channel) {
        return channel.attr(REPORTED).setIfAbsent(Boolean.TRUE) == null;
    }

    /** @param failures counts connections closed for a TLS failure */
    public TlsGuard(LongAdder failures) {
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            reject(ctx, done.cause());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (TlsFailures.isTls(cause)) {
            reject(ctx, cause);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void reject(ChannelHandlerContext ctx, Throwable cause) {
        // The handshake event and the exception usually both arrive: one line per connection.
        if (markFailed(ctx.channel())) {
            failures.increment();
            log.info("closing TLS connection from {}: {}", ctx.channel().remoteAddress(), TlsFailures.describe(cause));
        }
        ctx.close();
    }
}
