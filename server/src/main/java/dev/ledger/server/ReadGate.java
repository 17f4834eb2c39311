package dev.ledger.server;

import dev.ledger.server.kafka.ByteBudget;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decides when one connection reads. It pauses reading (autoRead off) while any of three reasons holds, and
 * resumes once none does: the connection's unanswered events reached {@code maxInFlightEvents}; the global Kafka
 * byte budget is above its high-water mark; the client does not read its Acks (channel not writable). TCP then
 * pushes back on the client, so the server never buffers without bound.
 *
 * <p>Confined to the connection's event loop; the budget's callback (from a producer thread) hops onto it.
 */
final class ReadGate {

    private final Channel channel;
    private final int maxInFlightEvents;
    private final ByteBudget budget;
    private int inFlightEvents;
    private boolean waitingForBudget;
    private boolean shut;

    ReadGate(Channel channel, int maxInFlightEvents, ByteBudget budget) {
        this.channel = channel;
        this.maxInFlightEvents = maxInFlightEvents;
        this.budget = budget;
    }

    /** A Submit's events were taken in. */
    void admitted(int events) {
        inFlightEvents += events;
        if (inFlightEvents >= maxInFlightEvents) {
            pause();
        }
        if (budget.aboveHighWater() && !waitingForBudget) {
            pause();
            waitingForBudget = true;
            budget.whenBelowLowWater(this::onBudgetDrained);
        }
    }

    /** A Submit's Ack was written. */
    void answered(int events) {
        inFlightEvents -= events;
        update();
    }

    /** After a write or a writability change. */
    void update() {
        if (!channel.isWritable()) {
            pause();
        } else if (!shut && !waitingForBudget && inFlightEvents < maxInFlightEvents && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    /** The connection is closing: never read again. */
    void shut() {
        shut = true;
        pause();
    }

    /** The connection closed: its events no longer count. */
    void release() {
        inFlightEvents = 0;
    }

    private void pause() {
        channel.config().setAutoRead(false);
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
