package dev.ledger.server;

import dev.ledger.proto.Status;
import dev.ledger.server.codec.DecisionsFrame;
import dev.ledger.server.decisions.AwaitedDecisions;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's Submits that await decisions, from receipt to their Decisions frame: the decision timeout, the
 * hop from the decision reader's thread to the event loop, the frame, and the in-flight window (an accepted event
 * counts against it until its Decisions frame is written; the counts are the connection's {@link InFlight.Share}).
 * Also what happens to them when the connection drains
 * (DECISION_PENDING) or closes (dropped: the client resends the same ids and gets the core's duplicate decision).
 *
 * <p>Confined to the connection's event loop, apart from {@link #onAllDecided}, which may run on the reader's thread.
 */
final class ConnectionDecisions {

    private static final Logger log = LoggerFactory.getLogger(ConnectionDecisions.class);

    private final ServerContext context;
    private final ChannelHandlerContext ctx;
    private final ReadGate gate;
    private final InFlight.Share inFlight;
    private final Map<Long, AwaitedDecisions> awaiting = new HashMap<>();

    ConnectionDecisions(ServerContext context, ChannelHandlerContext ctx, ReadGate gate, InFlight.Share inFlight) {
        this.context = context;
        this.ctx = ctx;
        this.gate = gate;
        this.inFlight = inFlight;
    }

    boolean awaits(long requestId) {
        return awaiting.containsKey(requestId);
    }

    /** Starts waiting for the decisions of a Submit; its timeout runs from now. */
    AwaitedDecisions await(long requestId, int count) {
        AwaitedDecisions a = new AwaitedDecisions(requestId, count, this::onAllDecided);
        awaiting.put(requestId, a);
        long ms = context.config().decisionTimeoutMs();
        a.timer(ctx.executor().schedule(() -> a.expire("no decision from the ledger core within " + ms
                + " ms; the event is stored: resend it with the same event_id to get its decision"),
                ms, TimeUnit.MILLISECONDS));
        return a;
    }

    /**
     * The Ack of Submit {@code requestId} was written. Returns false when the Submit does not await decisions (the
     * caller then answers it in full); otherwise the events not ACCEPTED are answered (released from the window) and
     * the accepted ones wait, perhaps completing right here.
     */
    boolean ackWritten(long requestId, int[] statuses) {
        AwaitedDecisions awaited = awaiting.get(requestId);
        if (awaited == null) {
            return false;
        }
        boolean[] accepted = new boolean[statuses.length];
        int acceptedCount = 0;
        for (int i = 0; i < accepted.length; i++) {
            accepted[i] = statuses[i] == Status.STATUS_ACCEPTED_VALUE;
            acceptedCount += accepted[i] ? 1 : 0;
        }
        inFlight.answered(statuses.length - acceptedCount, false);
        gate.update();
        awaited.ackWritten(accepted);
        return true;
    }

    /** Called by whoever completed a Submit's decisions: the decision reader's thread or this event loop. */
    private void onAllDecided(AwaitedDecisions a) {
        if (ctx.executor().inEventLoop()) {
            writeDecisions(a);
            return;
        }
        try {
            ctx.executor().execute(() -> writeDecisions(a));
        } catch (RejectedExecutionException e) {
            log.debug("event loop gone; Decisions for request {} dropped with its connection", a.requestId());
        }
    }

    private void writeDecisions(AwaitedDecisions a) {
        List<byte[]> decisions = a.finish(context.decisions());
        if (decisions == null) {
            return; // dropped with the connection
        }
        awaiting.remove(a.requestId());
        inFlight.answered(decisions.size(), true);
        if (!decisions.isEmpty()) {
            // The decisions' own bytes (the journal's, or a DECISION_PENDING entry's) are copied into the frame.
            ctx.writeAndFlush(DecisionsFrame.encode(ctx.alloc(), a.requestId(), decisions));
        }
        gate.update();
    }

    /** The server drains: every undecided event is answered DECISION_PENDING now (after its Ack). */
    void expireAll() {
        for (AwaitedDecisions a : new ArrayList<>(awaiting.values())) {
            a.expire("server shut down before the ledger core's decision arrived; the event is stored: resend it "
                    + "with the same event_id to get its decision");
        }
    }

    /** The connection closed: every wait is dropped (its counts go with the connection's share). */
    void dropAll() {
        for (AwaitedDecisions a : awaiting.values()) {
            a.finish(context.decisions());
        }
        awaiting.clear();
    }
}
