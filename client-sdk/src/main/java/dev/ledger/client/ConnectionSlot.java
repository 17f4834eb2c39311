package dev.ledger.client;

import dev.ledger.proto.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to one endpoint alive: connects, and after a failure, a GoAway or a lost connection
 * reconnects after a capped, jittered backoff that grows while attempts keep failing and starts over once a
 * connection has held: it stayed up at least the max backoff after its handshake. A dead endpoint thus costs one
 * refused connect per backoff period and is otherwise skipped; one that welcomes each connection and drops it at
 * once gets the same growing backoff, not a reconnect every initial backoff. An endpoint that refused the handshake
 * (bad token, unsupported version) is remembered as refused until a handshake succeeds; the backoff keeps growing
 * meanwhile.
 *
 * <p>Not thread-safe: event loop only.
 */
final class ConnectionSlot {

    private static final Logger log = LoggerFactory.getLogger(ConnectionSlot.class);

    private final Endpoint endpoint;
    private final Bootstrap bootstrap;
    private final Dispatcher dispatcher;
    private final ClientSettings settings;
    private final Backoff backoff;
    private final Recorder recorder;
    private final String label;
    private Connection current;
    /** The current connection once its Welcome came, until it ends: only such an end is a lost connection. */
    private Connection welcomed;
    private int failures;
    private long readyAtNanos;
    private boolean closed;
    private Status refusedStatus;
    private String refusedReason;

    ConnectionSlot(Endpoint endpoint, Bootstrap bootstrap, Dispatcher dispatcher, ClientSettings settings,
                   Recorder recorder) {
        this.endpoint = endpoint;
        this.bootstrap = bootstrap;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.recorder = recorder;
        this.label = endpoint.toString();
        this.backoff = new Backoff(settings.retryBackoffInitialNanos(), settings.retryBackoffMaxNanos());
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** {@code host:port}, made once. */
    String endpointLabel() {
        return label;
    }

    /** The connection if it can take a Submit now, else null. */
    Connection usable() {
        Connection c = current;
        return c != null && c.canTake() ? c : null;
    }

    Connection current() {
        return current;
    }

    /**
     * Makes {@code connection} the current one, as {@link #connect()} does, but without a socket: for tests that run
     * the connection on an {@code EmbeddedChannel}. Nothing else calls it.
     */
    void attachForTest(Connection connection) {
        current = connection;
    }

    void connect() {
        if (closed) {
            return;
        }
        Connection connection = new Connection(this, dispatcher, settings);
        current = connection;
        ChannelFuture connected = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (settings.tls() != null) {
                    ch.pipeline().addLast("tls", settings.tls().newHandler(ch.alloc(), endpoint));
                }
                ch.pipeline().addLast(new IdleStateHandler(0, 0, Connection.KEEPALIVE_SECONDS),
                        ServerFrameDecoder.newFramer(), ServerFrameDecoder.INSTANCE, connection);
            }
        }).connect(endpoint.host(), endpoint.port());
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("connect to {} failed (attempt {}): {}", endpoint, failures + 1, f.cause().toString());
                String problem = "connect to " + endpoint + " failed: " + f.cause();
                dispatcher.noteConnectionProblem(problem);
                if (current == connection) {
                    current = null;
                }
                recorder.connectFailed(label, problem);
                scheduleReconnect();
            }
        });
    }

    /** The status to fail events with while this endpoint refuses our handshake, or null if it does not. */
    Status refusedStatus() {
        return refusedStatus;
    }

    String refusedReason() {
        return refusedReason;
    }

    /** The endpoint answered the handshake with an error a reconnect with the same settings cannot fix. */
    void refused(Status status, String reason) {
        refusedStatus = status;
        refusedReason = reason;
    }

    void onReady(Connection connection) {
        log.debug("connected to {} (server id {})", endpoint, connection.serverId);
        refusedStatus = null;
        refusedReason = null;
        readyAtNanos = System.nanoTime();
        current = connection; // already so when connect() made it; also lets tests hand a slot a connection
        welcomed = connection;
        recorder.connectionOpened(label);
    }

    void onClosed(Connection connection, boolean wasReady, String reason) {
        if (wasReady && !closed) {
            log.info("left {}: {}; reconnecting with backoff", endpoint, reason);
        } else {
            log.debug("connection to {} ended: {}", endpoint, reason);
        }
        dispatcher.noteConnectionProblem(reason);
        if (current == connection) {
            current = null;
        }
        failures = failuresAfterClose(failures, wasReady, System.nanoTime() - readyAtNanos,
                settings.retryBackoffMaxNanos());
        if (welcomed == connection) {
            welcomed = null;
            recorder.connectionLost(label, reason);
        } else {
            recorder.connectFailed(label, reason);
        }
        scheduleReconnect();
    }

    /**
     * The backoff step for the reconnect after a connection ended. One that held (ready for at least
     * {@code heldNanos}) starts over at step 1: a server that just left (GoAway, restart) gets one short backoff
     * period. One that ended sooner, handshake or not, counts as one more failure, so the reconnects to an endpoint
     * that keeps dropping connections right after Welcome back off like those to a dead one.
     */
    static int failuresAfterClose(int failures, boolean wasReady, long readyForNanos, long heldNanos) {
        return wasReady && readyForNanos >= heldNanos ? 1 : failures;
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        long delayNanos = backoff.delayNanos(failures);
        failures = Math.min(failures + 1, 30);
        dispatcher.loop().schedule(this::connect, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops reconnecting and closes the connection; for client close. */
    void close() {
        closed = true;
        if (current != null) {
            current.close("client closed");
        }
    }
}
