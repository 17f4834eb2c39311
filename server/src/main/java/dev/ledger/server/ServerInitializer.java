package dev.ledger.server;

import dev.ledger.server.codec.FrameDecoder;
import dev.ledger.server.codec.ServerFrameEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one accepted connection:
 * {@code [SslHandler → TlsGuard | PlaintextGuard] → FlushConsolidationHandler → ServerFrameEncoder → FrameDecoder →
 * [IdleStateHandler] → ConnectionHandler}. TLS sits nearest the socket, so flushes are consolidated before
 * encryption (one TLS record batch per flush).
 *
 * <p>The idle handler sits after the decoder, so only whole frames count as traffic: a peer that drips a frame
 * one byte at a time is idle, not busy.
 *
 * <p>Thread-safe and shared by every connection of one server.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final ServerFrameEncoder ENCODER = new ServerFrameEncoder();

    /** Frame limit until a connection has sent Hello (which, token included, is far smaller). */
    static final int PRE_HELLO_MAX_FRAME_BYTES = 16 * 1024;

    private final ServerContext context;

    ServerInitializer(ServerContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        context.security().addTransportHandlers(p);
        // Flushes from Acks written outside a read are merged too (consolidateWhenNoReadInProgress).
        p.addLast("flush", new FlushConsolidationHandler(256, true));
        p.addLast("encoder", ENCODER);
        p.addLast("decoder", new FrameDecoder(context.config().maxFrameBytes(), PRE_HELLO_MAX_FRAME_BYTES));
        long idleMs = context.config().idleTimeoutMs();
        if (idleMs > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        }
        p.addLast("connection", new ConnectionHandler(context));
    }
}
