package dev.ledger.server.security;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in the pipeline of a plaintext port: looks at a connection's first two bytes once. A TLS handshake record
 * (0x16 0x03: a TLS client talking to a plaintext port) is logged in one line, counted and closed; anything else
 * stays untouched and the guard leaves the pipeline, handing on what it read. (Those two bytes as a frame length
 * would be far above any frame limit, so no valid client is ever mistaken for TLS.)
 *
 * <p>One instance per connection (it buffers up to two bytes).
 */
public final class PlaintextGuard extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(PlaintextGuard.class);
    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;

    private final LongAdder tlsClients;

    /** @param tlsClients counts TLS clients turned away */
    public PlaintextGuard(LongAdder tlsClients) {
        this.tlsClients = tlsClients;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        int second = in.getUnsignedByte(in.readerIndex() + 1);
        if (first == TLS_HANDSHAKE_RECORD && second == TLS_MAJOR_VERSION) {
            tlsClients.increment();
            TlsGuard.markFailed(ctx.channel());
            log.info("closing connection from {}: it opened with a TLS handshake, but this port is plaintext "
                    + "(start the server with --tls-cert-file/--tls-key-file, or connect without TLS)",
                    ctx.channel().remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }
}
