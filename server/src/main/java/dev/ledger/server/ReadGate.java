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
 * <p>It also keeps the server-wide gauges honest: its share of the in-flight events and whether it is one of the
 * paused connections, both added to counters the {@code ServerMetrics} own.
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
    private boolean paused;
    /** The connection closed: nothing is counted in the server's gauges any more. */
    private boolean released;
    private final LongAdder serverInFlight;
    private final LongAdder serverPaused;

    ReadGate(Channel channel, int maxInFlightEvents, ByteBudget budget) {
        this(channel, maxInFlightEvents, budget, new LongAdder(), new LongAdder());
    }

    /**
     * @param serverInFlight the server's in-flight event count, to which this connection adds its share
     * @param serverPaused the server's count of paused connections
     */
    ReadGate(Channel channel, int maxInFlightEvents, ByteBudget budget, LongAdder serverInFlight,
            LongAdder serverPaused) {
        this.channel = channel;
        this.maxInFlightEvents = maxInFlightEvents;
        this.budget = budget;
        this.serverInFlight = serverInFlight;
        this.serverPaused = serverPaused;
    }

    /** A Submit's events were taken in. */
    void admitted(int events) {
        inFlightEvents += events;
        if (!released) {
            serverInFlight.add(events);
        }
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
        if (!released) {
            serverInFlight.add(-events);
        }
        update();
    }

    /** After a write or a writability change. */
    void update() {
        if (!channel.isWritable()) {
            pause();
        } else if (!shut && !waitingForBudget && inFlightEvents < maxInFlightEvents && !channel.config().isAutoRead()) {
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

    /** The connection closed: its events no longer count. */
    void release() {
        serverInFlight.add(-inFlightEvents);
        inFlightEvents = 0;
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
