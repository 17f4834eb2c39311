package dev.ledger.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Picks the I/O transport: native epoll when its library loads, NIO otherwise. Each client owns one small group of
 * daemon threads, shut down by {@link LedgerClient#close()}. Stateless.
 */
final class Transport {

    private Transport() {
    }

    static boolean nativeEpoll() {
        return Epoll.isAvailable();
    }

    static EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = nativeEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    static Class<? extends SocketChannel> channelClass() {
        return nativeEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
