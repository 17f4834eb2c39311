package dev.ledger.server;

import dev.ledger.proto.ClientFrameView;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Hello;
import dev.ledger.proto.Status;
import dev.ledger.proto.SubmitView;
import dev.ledger.server.admin.ServerMetrics;
import dev.ledger.server.admin.ServerMetrics.ConnectionResult;
import dev.ledger.server.codec.AckFrame;
import dev.ledger.server.codec.ConnectionFailure;
import dev.ledger.server.codec.FrameRejected;
import dev.ledger.server.codec.InboundFrame;
import dev.ledger.server.codec.ServerFrames;
import dev.ledger.server.decisions.AwaitedDecisions;
import dev.ledger.server.security.PeerIdentity;
import dev.ledger.server.security.Principal;
import dev.ledger.server.security.Principals;
import dev.ledger.server.security.TlsGuard;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one connection: Hello first (version, then the principal from its token and, with TLS,
 * the client certificate), then Submits and Pings. Every Submit re-resolves the principal against the current
 * principals, so a revoked credential stops working on live connections too (UNAUTHENTICATED, close).
 *
 * <p>Each Submit becomes a {@link PendingSubmit}; its Ack is written once every event has a result, so Acks go
 * out in completion order. A Submit with {@code await_decision} also becomes an {@link AwaitedDecisions}: after its
 * Ack, a Decisions frame carries the core's decision (or DECISION_PENDING after {@code decisionTimeoutMs}) for each
 * ACCEPTED event, which counts against the in-flight window until then ({@link ConnectionDecisions}). Ack timeout:
 * events without a Kafka answer after {@code ackTimeoutMs} are answered UNAVAILABLE. When to stop and resume reading (backpressure) is the {@link ReadGate}'s call. A Submit with zero events, with more than
 * {@code maxEventsPerSubmit} events, or reusing an in-flight request_id is a PROTOCOL_VIOLATION (Error, close).
 * Every connection-level failure is an {@code Error} frame followed by close.
 *
 * <p>What is in flight is counted once, in the connection's {@link InFlight.Share}; the gate asks it.
 *
 * <p>One instance per channel; all state is confined to the channel's event loop. Kafka results arrive on
 * producer threads; a complete Submit's Ack is written by one task on the event loop, encoded straight from the
 * Submit's primitive results ({@link AckFrame}). (Handing completed Submits back in bursts, one task per loop per
 * burst, was built and measured: no difference in server CPU or latency at 10 or 100 events per frame or 100
 * connections, so it was dropped; docs/PERFORMANCE.md.)
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements PendingSubmit.Target {

    /** User event fired by {@link LedgerServer} when the drain timeout passes: answer everything, close. */
    static final Object DRAIN_DEADLINE = new Object();

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    /** Longest accepted Hello.client_name, in UTF-8 bytes: it is copied into every Kafka record's headers. */
    static final int MAX_CLIENT_NAME_BYTES = 256;

    private final ServerContext context;
    private final SubmitDispatcher dispatcher;
    /** Unanswered Submits in the order they came in, which is also the order of their ack deadlines. */
    private final Map<Long, PendingSubmit> pending = new LinkedHashMap<>();
    /** The one ack timer of this connection, armed for the oldest unanswered Submit's deadline; null when idle. */
    private ScheduledFuture<?> ackTimer;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> handshakeTimer;
    private byte[] clientName = new byte[0];
    private Principals.Authentication auth;
    private boolean helloDone;
    private boolean closing;
    /** Draining: close as soon as the last Submit's Ack is written. */
    private boolean closeWhenAnswered;
    private boolean drainClosed;
    /** How long a drained connection waits for Acks completed by a producer thread at the deadline's instant. */
    static final long DRAIN_ACK_GRACE_MS = 500;
    private ReadGate gate;
    private InFlight.Share inFlight;
    /** An Ack was written and awaits its flush. */
    private boolean ackUnflushed;
    private ConnectionDecisions decisions;
    private final ServerMetrics metrics;
    /** Whether this connection's {@link ConnectionResult} was counted (once per connection). */
    private boolean resultCounted;
    private ConnectionLog connectionLog;

    ConnectionHandler(ServerContext context) {
        this.context = context;
        this.dispatcher = new SubmitDispatcher(context);
        this.metrics = context.metrics();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionLog = ConnectionLog.opened(ctx.channel().remoteAddress());
        this.inFlight = context.inFlight().share();
        this.gate = new ReadGate(ctx.channel(), context.config().maxInFlightEventsPerConnection(),
                context.writer().budget(), inFlight, metrics.readPausedConnections());
        this.decisions = new ConnectionDecisions(context, ctx, gate, inFlight);
        int max = context.config().maxConnections();
        if (context.connections().incrementAndGet() > max) {
            counted(ConnectionResult.REJECTED_LIMIT);
            fail(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS, "server is at its limit of " + max + " connections");
            return;
        }
        context.channels().add(ctx.channel());
        long handshakeMs = context.config().handshakeTimeoutMs();
        handshakeTimer = ctx.executor().schedule(() -> {
            counted(ConnectionResult.HANDSHAKE_TIMEOUT);
            fail(ErrorCode.ERROR_CODE_HANDSHAKE_TIMEOUT, "no Hello within " + handshakeMs + " ms");
        }, handshakeMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.connections().decrementAndGet();
        if (ackTimer != null) {
            ackTimer.cancel(false);
            ackTimer = null;
        }
        counted(TlsGuard.failed(ctx.channel()) ? ConnectionResult.HANDSHAKE_FAILED : ConnectionResult.CLOSED_BEFORE_HELLO);
        if (connectionLog != null) {
            if (TlsGuard.failed(ctx.channel())) {
                connectionLog.tlsFailed();
            }
            connectionLog.closed();
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        // Late Kafka callbacks still release the byte budget in the writer; here only the answers are dropped: an
        // Ack task already queued for a Submit is skipped by writeAck, the Submit being marked answered here.
        for (PendingSubmit p : pending.values()) {
            p.markAnswered();
        }
        pending.clear();
        if (decisions != null) {
            decisions.dropAll();
        }
        if (inFlight != null) {
            inFlight.release();
        }
        if (gate != null) {
            gate.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof InboundFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (!closing) {
                handle(frame.view());
            }
        } finally {
            // Event bytes alias this buffer; the writer has copied what it keeps, so it can go now.
            frame.release();
        }
    }

    private void handle(ClientFrameView frame) {
        ClientFrameView.KindCase kind = frame.getKindCase();
        metrics.frameReceived(kind);
        if (kind == ClientFrameView.KindCase.HELLO) {
            if (helloDone) {
                fail(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, "Hello was already received on this connection");
            } else {
                onHello(frame.getHello());
            }
        } else if (!helloDone) {
            counted(ConnectionResult.PROTOCOL_VIOLATION);
            fail(ErrorCode.ERROR_CODE_HELLO_REQUIRED, "the first frame must be Hello, got " + kind.name().toLowerCase());
        } else if (kind == ClientFrameView.KindCase.PING) {
            ctx.writeAndFlush(ServerFrames.pong(frame.getPing().getNonce()));
            gate.update();
        } else {
            onSubmit(frame.getSubmit());
        }
    }

    private void onHello(Hello hello) {
        handshakeTimer.cancel(false);
        if (hello.getProtocolVersion() != ServerFrames.PROTOCOL_VERSION) {
            counted(ConnectionResult.UNSUPPORTED_VERSION);
            fail(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, "protocol_version " + hello.getProtocolVersion()
                    + " is not supported; this server speaks " + ServerFrames.PROTOCOL_VERSION);
            return;
        }
        Principals.Authentication a = context.security().principals().authenticate(hello.getAuthToken(),
                PeerIdentity.peerCertificate(ctx.channel()));
        if (a.principal() == null) {
            counted(ConnectionResult.UNAUTHENTICATED);
            fail(ErrorCode.ERROR_CODE_UNAUTHENTICATED, a.failure());
            return;
        }
        byte[] name = hello.getClientName().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_CLIENT_NAME_BYTES) {
            counted(ConnectionResult.PROTOCOL_VIOLATION);
            fail(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, "client_name must be at most " + MAX_CLIENT_NAME_BYTES
                    + " bytes UTF-8: " + name.length);
            return;
        }
        helloDone = true;
        counted(ConnectionResult.ACCEPTED);
        clientName = name;
        auth = a;
        connectionLog.hello(hello.getClientName(), a.principal().name());
        var config = context.config();
        ctx.writeAndFlush(ServerFrames.welcome(ServerContext.SERVER_VERSION, config.serverId(), config.maxFrameBytes(),
                config.maxEventsPerSubmit(), config.maxInFlightEventsPerConnection(), config.decisionTimeoutMs()));
    }

    private void onSubmit(SubmitView submit) {
        int count = submit.getEventsCount();
        int max = context.config().maxEventsPerSubmit();
        long requestId = submit.getRequestId();
        if (count == 0 || count > max) {
            fail(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, "Submit " + requestId + " has " + count
                    + " events; a Submit carries 1.." + max);
            return;
        }
        if (pending.containsKey(requestId) || decisions.awaits(requestId)) {
            fail(ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION, "request_id " + requestId + " is already in flight");
            return;
        }
        Principal principal = context.security().principals().current(auth);
        if (principal == null) {
            fail(ErrorCode.ERROR_CODE_UNAUTHENTICATED, "the credential of principal " + auth.principal().name()
                    + " was revoked (principals file changed); reconnect with a valid one");
            return;
        }
        PendingSubmit p = new PendingSubmit(requestId, count, this);
        pending.put(requestId, p);
        inFlight.taken(count);
        AwaitedDecisions awaited = submit.getAwaitDecision() ? decisions.await(requestId, count) : null;
        dispatcher.dispatch(submit, p, clientName, principal, awaited);
        if (!p.isComplete()) {
            armAckTimer();
        }
        gate.admitted();
        connectionLog.submitted(count);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        gate.update();
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Called by whoever filled the last result: on the event loop (validation, ack timeout, drain) the Ack goes out
     * at once; from a Kafka producer thread, in a task on the loop.
     */
    @Override
    public void submitComplete(PendingSubmit p) {
        if (ctx.executor().inEventLoop()) {
            if (writeAck(p)) {
                flushAcks();
            }
        } else {
            try {
                ctx.executor().execute(() -> {
                    if (writeAck(p)) {
                        flushAcks();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("event loop gone; the Ack of request {} goes with its connection", p.requestId());
            }
        }
    }

    /** Writes the Ack (not flushed); true when it is the first unflushed one, i.e. when a flush must follow. */
    private boolean writeAck(PendingSubmit p) {
        if (!p.markAnswered()) {
            return false; // answered already, or dropped with the connection
        }
        pending.remove(p.requestId());
        ctx.write(AckFrame.encode(ctx.alloc(), p));
        int[] statuses = p.statusNumbers();
        metrics.ackWritten(p.eventTypes(), statuses, System.nanoTime() - p.receivedNanos());
        if (!decisions.ackWritten(p.requestId(), statuses)) {
            inFlight.answered(p.eventCount(), true);
            gate.update();
        }
        boolean first = !ackUnflushed;
        ackUnflushed = true;
        if (closeWhenAnswered && pending.isEmpty()) {
            ctx.flush();
            ackUnflushed = false;
            closeAfterDrain();
        }
        return first;
    }

    /** Closes the drained connection after what was written (once; later calls do nothing). */
    private void closeAfterDrain() {
        if (drainClosed) {
            return;
        }
        drainClosed = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void flushAcks() {
        ackUnflushed = false;
        ctx.flush();
    }

    /** Counts how this connection began, once: the first reason wins. */
    private void counted(ConnectionResult result) {
        if (!resultCounted) {
            resultCounted = true;
            metrics.connection(result);
        }
    }

    /**
     * Arms the connection's single ack timer for the oldest unanswered Submit, if none is armed: one timer per
     * connection instead of a scheduled task (and its cancel) per Submit. Every Submit has the same ack timeout, so
     * deadlines come in arrival order.
     */
    private void armAckTimer() {
        if (ackTimer != null || closing) {
            return;
        }
        for (PendingSubmit p : pending.values()) {
            if (!p.isComplete()) {
                long delay = p.receivedNanos() + TimeUnit.MILLISECONDS.toNanos(context.config().ackTimeoutMs())
                        - System.nanoTime();
                ackTimer = ctx.executor().schedule(this::onAckTimer, Math.max(0, delay), TimeUnit.NANOSECONDS);
                return;
            }
        }
    }

    /** Answers every Submit past its ack deadline UNAVAILABLE, then arms the timer for the next one. */
    private void onAckTimer() {
        ackTimer = null;
        long deadline = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(context.config().ackTimeoutMs());
        List<PendingSubmit> expired = new ArrayList<>();
        for (PendingSubmit p : pending.values()) {
            if (p.receivedNanos() - deadline > 0) {
                break; // this one and every later one are still within their time
            }
            if (!p.isComplete()) {
                expired.add(p);
            }
        }
        expired.forEach(this::onAckTimeout);
        armAckTimer();
    }

    private void onAckTimeout(PendingSubmit p) {
        long ms = context.config().ackTimeoutMs();
        context.writer().circuit().onFailure("no acknowledgement from Kafka within " + ms + " ms");
        p.expire(Status.STATUS_UNAVAILABLE, "not acknowledged by Kafka within " + ms + " ms; retry with the same event_id");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            fail(ErrorCode.ERROR_CODE_IDLE_TIMEOUT, "no traffic for " + context.config().idleTimeoutMs() + " ms");
        } else if (evt instanceof FrameRejected rejected) {
            // The decoder sent the Error and closes the connection; here it is only counted.
            counted(ConnectionResult.PROTOCOL_VIOLATION);
            metrics.connectionError(rejected.code());
            closing = true;
        } else if (evt == DRAIN_DEADLINE) {
            for (PendingSubmit p : new ArrayList<>(pending.values())) {
                if (p.isComplete()) {
                    // Complete, its Ack task still queued: written now (the task then finds it answered).
                    if (writeAck(p)) {
                        flushAcks();
                    }
                } else {
                    p.expire(Status.STATUS_UNAVAILABLE, "server shut down before Kafka acknowledged; retry with the "
                            + "same event_id");
                }
            }
            decisions.expireAll();
            connectionLog.drained();
            closing = true;
            if (pending.isEmpty()) {
                closeAfterDrain();
            } else {
                // A producer thread won a last slot while it was expired: that Submit completes on the producer's
                // thread and reaches this loop in a task. Close once its Ack is written (writeAck),
                // and at the latest after a short grace, so the connection never outlives the drain by much.
                closeWhenAnswered = true;
                ctx.executor().schedule(this::closeAfterDrain, DRAIN_ACK_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            if (connectionLog != null) {
                connectionLog.ioError(cause);
            }
            ctx.close();
        } else {
            log.warn("unexpected failure on connection {}", ctx.channel().remoteAddress(), cause);
            fail(ErrorCode.ERROR_CODE_INTERNAL, "internal server error: " + cause);
        }
    }

    private void fail(ErrorCode code, String message) {
        if (closing) {
            return;
        }
        closing = true;
        metrics.connectionError(code);
        connectionLog.errorSent(code, message);
        if (gate != null) {
            gate.shut();
        }
        ConnectionFailure.fail(ctx, code, message);
    }
}
