package dev.ledger.server.decisions;

import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The decisions one Submit with {@code await_decision} waits for: one slot per event, filled exactly once (first
 * wins) by the {@link DecisionReader}'s thread with the core's decision, by {@link #expire} with a DECISION_PENDING
 * entry, or by {@link #notAwaited} for an event that was not ACCEPTED (it has its final answer in the Ack).
 *
 * <p>A guard count keeps the Submit from completing before its Ack is written: {@link #ackWritten} releases it.
 * Whoever fills the last slot (or releases the guard last) runs {@code onAllDecided} once, on its own thread; the
 * owner then hops to the connection's event loop and calls {@link #finish}. Slots and the count are thread-safe;
 * {@code finish}, {@code accepted} and registration are confined to the connection's event loop.
 */
public final class AwaitedDecisions {

    private static final Decision NOT_AWAITED = Decision.getDefaultInstance();

    private final long requestId;
    private final String[] eventIds;
    private final AtomicReferenceArray<Decision> slots;
    private final AtomicInteger open;
    private final Consumer<AwaitedDecisions> onAllDecided;
    private final boolean[] registered;
    private boolean[] accepted;
    private boolean finished;
    private ScheduledFuture<?> timer;

    public AwaitedDecisions(long requestId, int eventCount, Consumer<AwaitedDecisions> onAllDecided) {
        this.requestId = requestId;
        this.eventIds = new String[eventCount];
        this.slots = new AtomicReferenceArray<>(eventCount);
        this.open = new AtomicInteger(eventCount + 1); // + the guard, released when the Ack is written
        this.onAllDecided = onAllDecided;
        this.registered = new boolean[eventCount];
    }

    public long requestId() {
        return requestId;
    }

    /** Routes decisions about {@code eventId} to slot {@code index}; before the event is sent to Kafka. */
    public void register(int index, String eventId, DecisionRouter router) {
        eventIds[index] = eventId;
        registered[index] = true;
        router.register(eventId, this, index);
    }

    /** The core's decision for slot {@code index} (any thread); later ones are ignored. */
    void offer(int index, Decision decision) {
        fill(index, decision);
    }

    /** The event at {@code index} got a final answer other than ACCEPTED in the Ack: no decision is awaited. */
    private void notAwaited(int index) {
        fill(index, NOT_AWAITED);
    }

    /**
     * The Ack was written with these ACCEPTED flags (event loop): events not accepted are not awaited, and the guard
     * is released, so the Submit completes once every accepted event is decided (perhaps within this call).
     */
    public void ackWritten(boolean[] acceptedFlags) {
        this.accepted = acceptedFlags;
        for (int i = 0; i < acceptedFlags.length; i++) {
            if (!acceptedFlags[i]) {
                notAwaited(i);
            }
        }
        release();
    }

    /** Fills every open slot with a DECISION_PENDING entry giving {@code reason} (event loop). */
    public void expire(String reason) {
        for (int i = 0; i < eventIds.length; i++) {
            if (slots.get(i) == null) {
                fill(i, Decision.newBuilder().setEventId(eventIds[i] == null ? "" : eventIds[i])
                        .setOutcome(Outcome.OUTCOME_DECISION_PENDING).setReason(reason).build());
            }
        }
    }

    /**
     * Ends this Submit's wait (event loop): unregisters its events and returns the decisions of the accepted events
     * in Submit order, or null if it had already finished. Called once complete, or to drop it with its connection.
     */
    public List<Decision> finish(DecisionRouter router) {
        if (finished) {
            return null;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        for (int i = 0; i < eventIds.length; i++) {
            if (registered[i]) {
                router.unregister(eventIds[i], this);
            }
        }
        List<Decision> out = new ArrayList<>();
        if (accepted != null) {
            for (int i = 0; i < accepted.length; i++) {
                if (accepted[i]) {
                    out.add(slots.get(i));
                }
            }
        }
        return out;
    }

    /** The decision timeout's timer, cancelled by {@link #finish}. */
    public void timer(ScheduledFuture<?> timer) {
        this.timer = timer;
    }

    /** True once every slot is filled and the Ack was written. */
    public boolean complete() {
        return open.get() == 0;
    }

    public boolean finished() {
        return finished;
    }

    private void fill(int index, Decision decision) {
        if (slots.compareAndSet(index, null, decision)) {
            release();
        }
    }

    private void release() {
        if (open.decrementAndGet() == 0) {
            onAllDecided.accept(this);
        }
    }
}
