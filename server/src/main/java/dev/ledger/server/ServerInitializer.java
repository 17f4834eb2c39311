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
 * {@code FlushConsolidationHandler → [IdleStateHandler] → ServerFrameEncoder → FrameDecoder → ConnectionHandler}.
 *
 * <p>Thread-safe and shared by every connection of one server.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final ServerFrameEncoder ENCODER = new ServerFrameEncoder();

    private final ServerContext context;

    ServerInitializer(ServerContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        // Flushes from Acks written outside a read are merged too (consolidateWhenNoReadInProgress).
        p.addLast("flush", new FlushConsolidationHandler(256, true));
        long idleMs = context.config().idleTimeoutMs();
        if (idleMs > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS));
        }
        p.addLast("encoder", ENCODER);
        p.addLast("decoder", new FrameDecoder(context.config().maxFrameBytes()));
        p.addLast("connection", new ConnectionHandler(context));
    }
}
