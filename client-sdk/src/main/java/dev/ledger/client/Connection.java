package dev.ledger.client;

import dev.ledger.proto.Ack;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to a server: handshake (Hello, then Welcome or Error), the server's limits from Welcome, and
 * the Submits in flight on it keyed by request id, and the accepted events of await_decision Submits until their
 * Decisions frame. It tells the {@link Dispatcher} about Acks, Decisions and about its own end,
 * handing back every unacknowledged event so none is forgotten; its {@link ConnectionSlot} reconnects.
 *
 * <p>Not thread-safe: every method runs on the client's single event loop.
 */
final class Connection extends SimpleChannelInboundHandler<Object> {

    enum State { HANDSHAKING, READY, DRAINING, CLOSED }

    /** A connection with no traffic either way for this long sends a Ping, so servers do not idle it out. */
    static final int KEEPALIVE_SECONDS = 30;

    /** Used when Welcome leaves a limit unset (0). */
    static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

    private final ConnectionSlot slot;
    private final Dispatcher dispatcher;
    private final ClientSettings settings;
    private final LongObjectHashMap<SentSubmit> inFlight = new LongObjectHashMap<>();
    /** Accepted events of await_decision Submits, by request id, until their Decisions frame. */
    private final LongObjectHashMap<AwaitedSubmit> awaitingDecisions = new LongObjectHashMap<>();

    /** A Submit in flight: its events, in order, and when it was written (for the round trip reported on its Ack). */
    private record SentSubmit(List<PendingEvent> events, long sentAtNanos) {
    }

    /**
     * The accepted part of an await_decision Submit: its unsettled events, the events the server counts against its
     * window until the Decisions frame ({@code counted}: every ACCEPTED result), and the timer that gives up on a
     * frame that never comes.
     */
    private record AwaitedSubmit(List<PendingEvent> events, int counted, ScheduledFuture<?> timer) {
    }

    /** Beyond the server's decision timeout, how long a Decisions frame may take before the events are resent. */
    static final long DECISIONS_GRACE_MILLIS = 2_000;
    private Channel channel;
    private State state = State.HANDSHAKING;
    private ScheduledFuture<?> handshakeTimer;
    private String closeReason = "connection closed";
    private int inFlightEvents;
    int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    int maxEventsPerSubmit = Integer.MAX_VALUE;
    int maxInFlightEvents;
    String serverId = "";
    /** The server's Welcome offered decisions back to the client, and how long it waits for one. */
    boolean decisions;
    long decisionTimeoutMillis;

    Connection(ConnectionSlot slot, Dispatcher dispatcher, ClientSettings settings) {
        this.slot = slot;
        this.dispatcher = dispatcher;
        this.settings = settings;
        // Never more than the client's own bound: settled events stay in the in-flight map until answered, so a
        // server that stops answering (and sets no limit) could otherwise make that map grow without end.
        this.maxInFlightEvents = settings.maxInFlightEvents();
    }

    State state() {
        return state;
    }

    /** The endpoint as {@code host:port}, for the listener. */
    String endpointLabel() {
        return slot.endpointLabel();
    }

    /** True when a new Submit may go here now. */
    boolean canTake() {
        return state == State.READY && channel.isActive() && channel.isWritable()
                && inFlightEvents < maxInFlightEvents;
    }

    int capacity() {
        return maxInFlightEvents - inFlightEvents;
    }

    /** Writes one Submit without flushing; the dispatcher flushes once per drain. */
    void send(long requestId, List<PendingEvent> batch) {
        // The clock is read only for a listener (the round trip it hears on the Ack).
        inFlight.put(requestId, new SentSubmit(batch, dispatcher.recorder().listening() ? System.nanoTime() : 0));
        inFlightEvents += batch.size();
        channel.write(Frames.submit(channel.alloc(), requestId, batch), channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    void close(String reason) {
        closeReason = reason;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        String token;
        try {
            token = settings.authToken().get();
        } catch (RuntimeException e) {
            close("the authToken supplier failed: " + e);
            return;
        }
        if (token == null) {
            close("the authToken supplier returned null");
            return;
        }
        // With TLS the SslHandler holds this write until its handshake is done.
        ctx.writeAndFlush(Frames.hello(ctx.alloc(), settings.clientName(), token), ctx.voidPromise());
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state == State.HANDSHAKING) {
                close("no Welcome from " + slot.endpoint() + " within the connect timeout");
            }
        }, settings.connectTimeoutNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    /** A {@link ServerFrame}, or a {@link DecisionsFrame} (the decoder reads that kind without protobuf). */
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecisionsFrame decisionsFrame) {
            onDecisions(decisionsFrame);
            return;
        }
        if (!(msg instanceof ServerFrame frame)) {
            ctx.fireChannelRead(io.netty.util.ReferenceCountUtil.retain(msg)); // not ours (this handler releases it)
            return;
        }
        switch (frame.getKindCase()) {
            case WELCOME -> onWelcome(frame.getWelcome());
            case ACK -> onAck(frame.getAck());
            case DECISIONS -> onDecisions(DecisionsFrame.of(frame.getDecisions()));
            case GO_AWAY -> {
                state = State.DRAINING;
                closeReason = "server " + slot.endpoint() + " going away: " + frame.getGoAway().getReason();
                closeIfDrained();
            }
            case ERROR -> {
                String reason = "server " + slot.endpoint() + " error " + frame.getError().getCode() + ": "
                        + frame.getError().getMessage();
                dispatcher.onServerError(slot, frame.getError(), reason);
                close(reason);
            }
            case PONG -> { }
            default -> close("unknown frame from " + slot.endpoint() + ": " + frame.getKindCase());
        }
    }

    private void onWelcome(Welcome welcome) {
        if (state != State.HANDSHAKING) {
            close("second Welcome from " + slot.endpoint());
            return;
        }
        if (welcome.getMaxFrameBytes() > 0) {
            maxFrameBytes = welcome.getMaxFrameBytes();
        }
        if (welcome.getMaxEventsPerSubmit() > 0) {
            maxEventsPerSubmit = welcome.getMaxEventsPerSubmit();
        }
        if (welcome.getMaxInFlightEvents() > 0) {
            maxInFlightEvents = Math.min(welcome.getMaxInFlightEvents(), settings.maxInFlightEvents());
        }
        serverId = welcome.getServerId();
        decisions = welcome.getDecisions();
        decisionTimeoutMillis = welcome.getDecisionTimeoutMs();
        state = State.READY;
        handshakeTimer.cancel(false);
        slot.onReady(this);
        dispatcher.dispatch();
    }

    private void onAck(Ack ack) {
        SentSubmit sent = inFlight.remove(ack.getRequestId());
        if (sent == null) {
            return; // not ours (or already given up with the connection): nothing waits for it
        }
        List<PendingEvent> events = sent.events();
        // Before the results complete any future: a caller that sees its future done sees this Submit counted.
        dispatcher.recorder().submitAnswered(slot.endpointLabel(), events.size(), sent.sentAtNanos());
        boolean awaited = events.get(0).awaitsDecision();
        // The server keeps counting its ACCEPTED events against the window until their Decisions frame: so do we,
        // before the dispatcher sends more.
        int counted = awaited && decisions ? acceptedIn(ack) : 0;
        inFlightEvents -= events.size() - counted;
        dispatcher.onAck(events, ack, slot.endpoint());
        if (awaited) {
            awaitDecisions(ack.getRequestId(), events, counted);
        }
        closeIfDrained();
    }

    private static int acceptedIn(Ack ack) {
        int n = 0;
        for (int i = 0; i < ack.getResultsCount(); i++) {
            n += ack.getResults(i).getStatus() == dev.ledger.proto.Status.STATUS_ACCEPTED ? 1 : 0;
        }
        return n;
    }

    /**
     * After the Ack of an await_decision Submit: its accepted events (handled but not settled by the Ack) wait here
     * for the Decisions frame, still counted in flight, as the server counts them against its window.
     */
    private void awaitDecisions(long requestId, List<PendingEvent> events, int counted) {
        List<PendingEvent> waiting = new ArrayList<>(events.size());
        for (PendingEvent e : events) {
            if (!e.isDone() && e.awaitingDecision) {
                waiting.add(e);
            }
        }
        if (!decisions) {
            if (!waiting.isEmpty()) {
                dispatcher.onDecisionsUnsupported(waiting, slot.endpoint());
            }
            return;
        }
        if (counted == 0) {
            return; // nothing accepted: the server sends no Decisions frame
        }
        long giveUpMillis = decisionTimeoutMillis + DECISIONS_GRACE_MILLIS;
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> onDecisionsOverdue(requestId, giveUpMillis),
                giveUpMillis, TimeUnit.MILLISECONDS);
        awaitingDecisions.put(requestId, new AwaitedSubmit(waiting, counted, timer));
    }

    private void onDecisions(DecisionsFrame frame) {
        AwaitedSubmit awaited = awaitingDecisions.remove(frame.requestId);
        if (awaited == null) {
            return; // not ours, or given up on: nothing waits for it
        }
        awaited.timer().cancel(false);
        inFlightEvents -= awaited.counted();
        dispatcher.onDecisions(awaited.events(), frame, slot.endpoint());
        closeIfDrained();
    }

    /** A Decisions frame that never came (a server bug): free its room and resend its events elsewhere or later. */
    private void onDecisionsOverdue(long requestId, long waitedMillis) {
        AwaitedSubmit awaited = awaitingDecisions.remove(requestId);
        if (awaited == null) {
            return;
        }
        inFlightEvents -= awaited.counted();
        dispatcher.onConnectionLost(awaited.events(), "no Decisions frame from " + slot.endpoint() + " within "
                + waitedMillis + " ms of the Ack");
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (state == State.DRAINING && inFlight.isEmpty() && awaitingDecisions.isEmpty()) {
            channel.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            onTlsFailure(ctx, done.cause());
            return;
        }
        if (event instanceof IdleStateEvent && (state == State.READY || state == State.DRAINING)) {
            ctx.writeAndFlush(Frames.ping(ctx.alloc(), System.nanoTime()), ctx.voidPromise());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            dispatcher.dispatch();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (TlsFailures.classify(cause, slot.endpoint()) != null) {
            onTlsFailure(ctx, cause);
            return;
        }
        closeReason = "connection to " + slot.endpoint() + " failed: " + cause;
        ctx.close();
    }

    /** A failed handshake, or a TLS alert after it (a refused client certificate arrives after TLS 1.3's). */
    private void onTlsFailure(ChannelHandlerContext ctx, Throwable cause) {
        TlsFailures.Failure failure = TlsFailures.classify(cause, slot.endpoint());
        closeReason = failure != null ? failure.reason() : "TLS with " + slot.endpoint() + " failed: " + cause;
        if (failure != null && failure.permanent() && state == State.HANDSHAKING) {
            dispatcher.onRefused(slot, closeReason);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasReady = state != State.HANDSHAKING;
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        List<PendingEvent> unacknowledged = takeInFlight();
        slot.onClosed(this, wasReady, closeReason);
        dispatcher.onConnectionLost(unacknowledged, closeReason);
        ctx.fireChannelInactive();
    }

    /** Everything still in flight, for close(); the connection forgets it. */
    List<PendingEvent> takeInFlight() {
        List<PendingEvent> all = new ArrayList<>(inFlightEvents);
        for (SentSubmit sent : inFlight.values()) {
            all.addAll(sent.events());
        }
        for (AwaitedSubmit awaited : awaitingDecisions.values()) {
            awaited.timer().cancel(false);
            all.addAll(awaited.events());
        }
        inFlight.clear();
        awaitingDecisions.clear();
        inFlightEvents = 0;
        return all;
    }
}
