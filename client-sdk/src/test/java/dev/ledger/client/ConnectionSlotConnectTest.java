package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connect that fails, against a loopback port nobody listens on (refused at once; no server, no wall-clock
 * count): the slot forgets the attempt, notes why, counts it and tries again after its backoff.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionSlotConnectTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private Dispatcher dispatcher;

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private ConnectionSlot slot(Endpoint endpoint, long backoffNanos) {
        ClientSettings settings = new ClientSettings(List.of(endpoint), () -> "", "app", 10, 60_000 * MS,
                10_000 * MS, 0, 10, backoffNanos, backoffNanos, 1, null, Recorder.NO_LISTENER);
        dispatcher = new Dispatcher(loop, settings, stats);
        ConnectionSlot slot = new ConnectionSlot(endpoint, new Bootstrap().group(loop).channel(NioSocketChannel.class),
                dispatcher, settings, stats);
        dispatcher.addSlot(slot);
        return slot;
    }

    private static void awaitAtLeast(long n, LongSupplier count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() < n) {
            assertThat(System.nanoTime() - deadline).as("waited 10 s for %d", n).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void aRefusedConnectLeavesNoConnectionNotesWhyAndCountsAFailedConnect() throws Exception {
        Endpoint endpoint = new Endpoint("127.0.0.1", closedPort());
        ConnectionSlot slot = slot(endpoint, TimeUnit.HOURS.toNanos(1));

        loop.execute(slot::connect);
        awaitAtLeast(1, () -> stats.snapshot(0).connectFailures());

        assertThat(loop.submit(slot::current).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(dispatcher.lastConnectionProblem()).startsWith("connect to " + endpoint + " failed");
        assertThat(stats.snapshot(0).connectionsOpened()).isZero();
    }

    @Test
    void aRefusedConnectIsTriedAgainAfterTheBackoff() throws Exception {
        ConnectionSlot slot = slot(new Endpoint("127.0.0.1", closedPort()), MS);

        loop.execute(slot::connect);

        awaitAtLeast(3, () -> stats.snapshot(0).connectFailures());
        loop.submit(slot::close).get(5, TimeUnit.SECONDS);
    }
}
