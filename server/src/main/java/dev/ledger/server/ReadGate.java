package dev.ledger.server;

import dev.ledger.server.kafka.ByteBudget;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides when one connection reads. It pauses reading (autoRead off) while any of three reasons holds, and
 * resumes once none does: the connection's unanswered events reached {@code maxInFlightEvents}; the global Kafka
 * byte budget is above its high-water mark; the client does not read its Acks (channel not writable). TCP then
 * pushes back on the client, so the server never buffers without bound.
 *
 * <p>It counts nothing in flight itself: it asks the connection's {@link InFlight.Share}, which the handler moves
 * before calling {@link #admitted} or {@link #update}. It does keep the server's count of paused connections (a
 * counter the {@code ServerMetrics} own) in step with its own pause.
 *
 * <p>Confined to the connection's event loop; the budget's callback (from a producer thread) hops onto it.
 */
final class ReadGate {

    private final Channel channel;
    private final int maxInFlightEvents;
    private final ByteBudget budget;
    private final InFlight.Share inFlight;
    private boolean waitingForBudget;
    private boolean shut;
    private boolean paused;
    /** The connection closed: nothing is counted in the server's gauges any more. */
    private boolean released;
    private final LongAdder serverPaused;

    /**
     * @param inFlight the connection's share of what is in flight, the one count of its window
     * @param serverPaused the server's count of paused connections
     */
    ReadGate(Channel channel, int maxInFlightEvents, ByteBudget budget, InFlight.Share inFlight,
            LongAdder serverPaused) {
        this.channel = channel;
        this.maxInFlightEvents = maxInFlightEvents;
        this.budget = budget;
        this.inFlight = inFlight;
        this.serverPaused = serverPaused;
    }

    /** A Submit's events were taken in (already counted in the share). */
    void admitted() {
        if (inFlight.events() >= maxInFlightEvents) {
            pause();
        }
        if (budget.aboveHighWater() && !waitingForBudget) {
            pause();
            waitingForBudget = true;
            budget.whenBelowLowWater(this::onBudgetDrained);
        }
    }

    /** After an answer (already counted in the share), a write or a writability change. */
    void update() {
        if (!channel.isWritable()) {
            pause();
        } else if (!shut && !waitingForBudget && inFlight.events() < maxInFlightEvents && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
            if (paused) {
                paused = false;
                serverPaused.decrement();
            }
        }
    }

    /** The connection is closing: never read again. */
    void shut() {
        shut = true;
        pause();
    }

    /** The connection closed: it no longer counts as paused. */
    void release() {
        if (paused) {
            paused = false;
            serverPaused.decrement();
        }
        released = true;
    }

    private void pause() {
        channel.config().setAutoRead(false);
        if (!paused && !shut && !released) {
            paused = true;
            serverPaused.increment();
        }
    }

    private void onBudgetDrained() {
        try {
            channel.eventLoop().execute(() -> {
                waitingForBudget = false;
                update();
            });
        } catch (RejectedExecutionException e) {
            // event loop gone with its connection: nothing to resume
        }
    }
}
