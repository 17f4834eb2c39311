package dev.ledger.server.decisions;

import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
    /** Later events of this Submit with the same id as this one (-1: none): one decision answers them all. */
    private final AtomicIntegerArray nextSameId; // atomic: read by the reader's thread while the loop links copies
    private Map<String, Integer> firstIndexById;
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
        this.nextSameId = new AtomicIntegerArray(eventCount);
        for (int i = 0; i < eventCount; i++) {
            nextSameId.set(i, -1);
        }
    }

    public long requestId() {
        return requestId;
    }

    /**
     * Routes decisions about {@code eventId} to slot {@code index}; before the event is sent to Kafka. An id that
     * repeats within the Submit is registered once, and its decision answers every copy. When the router refuses
     * (too many waits for this id already) the event is answered DECISION_PENDING at once.
     */
    public void register(int index, String eventId, DecisionRouter router) {
        eventIds[index] = eventId;
        if (firstIndexById == null) {
            firstIndexById = new HashMap<>();
        }
        Integer first = firstIndexById.putIfAbsent(eventId, index);
        if (first != null) {
            int last = first;
            while (nextSameId.get(last) != -1) {
                last = nextSameId.get(last);
            }
            nextSameId.set(last, index);
            Decision known = slots.get(first); // after the link: a decision offered before it is seen here
            if (known != null) {
                fill(index, known);
            }
            return;
        }
        registered[index] = router.register(eventId, this, index);
        if (!registered[index]) {
            fill(index, pending(eventId, "too many Submits are waiting for event_id " + eventId
                    + " at once; the event is stored: resend it later with the same event_id to get its decision"));
        }
    }

    /** The core's decision for slot {@code index} and every later copy of its id (any thread); first one wins. */
    void offer(int index, Decision decision) {
        for (int i = index; i != -1; i = nextSameId.get(i)) {
            fill(i, decision);
        }
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
                fill(i, pending(eventIds[i] == null ? "" : eventIds[i], reason));
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

    private static Decision pending(String eventId, String reason) {
        return Decision.newBuilder().setEventId(eventId).setOutcome(Outcome.OUTCOME_DECISION_PENDING)
                .setReason(reason).build();
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
