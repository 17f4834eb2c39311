package dev.ledger.server;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands Submits completed on Kafka producer threads to one event loop in bursts: the producer thread queues the
 * Submit and schedules a drain only when none is scheduled yet, so a burst of callbacks costs one task (one wake-up
 * of the loop) instead of one per Submit. The drain writes every queued Ack without flushing and then flushes each
 * connection that got one, once (gRPC's {@code WriteQueue}; the SDK's {@code SubmitQueue} on the client side).
 *
 * <p>Order: Acks of one connection go out in the order their Submits completed. A Submit whose connection closed
 * meanwhile is skipped by its {@link Connection} (nothing written, nothing leaked); the others of the burst still go.
 * A drain writes at most {@link #MAX_ACKS_PER_DRAIN} Acks and then yields the loop to its reads and timers,
 * scheduling itself again for the rest.
 *
 * <p>One per event loop, shared by that loop's connections ({@link ServerContext#ackHandoff}); {@link #offer} is
 * thread-safe, the drain runs on the loop.
 */
final class AckHandoff {

    /** A connection as the drain sees it; its methods run on the event loop. */
    interface Connection {
        /**
         * Writes the Submit's Ack without flushing. Returns true when this is the connection's first unflushed Ack
         * since its last {@link #flushAcks}, i.e. when the drain must flush it.
         */
        boolean writeAck(PendingSubmit p);

        /** Flushes the Acks written since the last call. */
        void flushAcks();

        /**
         * Writing or flushing this connection's Ack threw: the connection is failed (its client resends what was
         * not answered), so one connection's trouble never stops the Acks of the others on the loop.
         */
        void failed(Throwable cause);
    }

    static final int MAX_ACKS_PER_DRAIN = 4096;

    private static final Logger log = LoggerFactory.getLogger(AckHandoff.class);

    private final Executor loop;
    /** Completed Submits, each knowing its connection. Many producers, one consumer; no allocation per offer. */
    private final Queue<PendingSubmit> queue = PlatformDependent.newMpscQueue();
    /** True from the offer that scheduled a drain until that drain finds the queue empty. */
    private final AtomicBoolean armed = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    /** Connections written to in the current drain; confined to the loop. */
    private final List<Connection> unflushed = new ArrayList<>();

    AckHandoff(Executor loop) {
        this.loop = loop;
    }

    /** Queues a completed Submit for its connection; schedules a drain if none is pending. Any thread. */
    void offer(PendingSubmit p) {
        queue.offer(p);
        if (!armed.get() && armed.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            loop.execute(drainTask);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down with its connections: their Acks go with them.
            log.debug("event loop gone; {} queued Acks dropped with their connections", queue.size());
        }
    }

    private void drain() {
        int written = 0;
        try {
            for (;;) {
                PendingSubmit next = queue.poll();
                if (next == null) {
                    armed.set(false);
                    // An offer between the empty poll and the reset saw armed=true and scheduled nothing: look again.
                    if (queue.isEmpty() || !armed.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                Connection connection = next.target();
                try {
                    if (connection.writeAck(next)) {
                        unflushed.add(connection);
                    }
                } catch (Throwable t) { // e.g. no direct memory for the frame: that connection fails, the rest go on
                    connection.failed(t);
                }
                if (++written == MAX_ACKS_PER_DRAIN) {
                    schedule(); // armed stays true: the rest is this drain's, later
                    return;
                }
            }
        } finally {
            for (int i = 0; i < unflushed.size(); i++) {
                Connection c = unflushed.get(i);
                try {
                    c.flushAcks();
                } catch (Throwable t) {
                    c.failed(t);
                }
            }
            unflushed.clear();
        }
    }
}
