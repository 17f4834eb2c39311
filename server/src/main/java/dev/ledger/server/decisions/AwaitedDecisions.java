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
 *
 * <p>Decisions are held as their {@code Decision} encoding: the journal record's bytes as the reader got them, or the
 * encoding of a DECISION_PENDING entry made here; the connection copies them into its frame without parsing.
 */
public final class AwaitedDecisions {

    /** The slot of an event not awaited (compared by identity; never in a frame). */
    private static final byte[] NOT_AWAITED = new byte[0];

    private final long requestId;
    private final String[] eventIds;
    private final AtomicReferenceArray<byte[]> slots;
    private final AtomicInteger open;
    private final Consumer<AwaitedDecisions> onAllDecided;
    private final boolean[] registered;
    /**
     * Slots the router delivered a decision to, and so removed from its table. Written by the reader's thread before
     * the slot is filled, read by {@link #finish}: a stale false only costs an unregistration that finds nothing.
     */
    private final boolean[] delivered;
    /**
     * Copies of an id within this Submit, made at the first copy (most Submits have none): entry {@code i} is 1 + the
     * next slot after {@code i} that one decision answers, 0 for none. Volatile and atomic: the reader's thread walks
     * it while the event loop links copies.
     */
    private volatile AtomicIntegerArray sameId;
    /** The first slot of each id the router refused, made at the first refusal: later copies join that slot. */
    private Map<String, Integer> refusedFirst;
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
        this.delivered = new boolean[eventCount];
    }

    public long requestId() {
        return requestId;
    }

    /**
     * Routes decisions about {@code eventId} to slot {@code index}; before the event is sent to Kafka. An id that
     * repeats within the Submit is registered once, and its decision answers every copy (the router tells a copy
     * apart, so no per-Submit map is needed). When the router refuses (too many waits for this id already) the event
     * is answered DECISION_PENDING at once, and so are its later copies.
     */
    public void register(int index, String eventId, DecisionRouter router) {
        register(index, eventId, null, 0, 0, router);
    }

    /**
     * {@link #register(int, String, DecisionRouter)} with the id's UTF-8 bytes as received ({@code idBytes[idStart
     * ..]}, {@code idLength} bytes; {@code idBytes} null when not at hand), which the router reads a UUID from.
     */
    public void register(int index, String eventId, byte[] idBytes, int idStart, int idLength,
            DecisionRouter router) {
        eventIds[index] = eventId;
        Integer refused = refusedFirst == null ? null : refusedFirst.get(eventId);
        if (refused != null) {
            linkCopy(refused, index);
            return;
        }
        int result = idBytes == null ? router.register(eventId, this, index)
                : router.register(eventId, idBytes, idStart, idLength, this, index);
        if (result == DecisionRouter.REGISTERED) {
            registered[index] = true;
        } else if (result == DecisionRouter.REFUSED) {
            if (refusedFirst == null) {
                refusedFirst = new HashMap<>();
            }
            refusedFirst.put(eventId, index);
            fill(index, pending(eventId, "too many Submits are waiting for event_id " + eventId
                    + " at once; the event is stored: resend it later with the same event_id to get its decision"));
        } else {
            linkCopy(result, index);
        }
    }

    /** Slot {@code copy} gets whatever decision slot {@code first} gets (event loop). */
    private void linkCopy(int first, int copy) {
        AtomicIntegerArray links = sameId;
        if (links == null) {
            links = new AtomicIntegerArray(eventIds.length);
            sameId = links;
        }
        links.set(copy, links.get(first)); // the copy goes right after the first: no walk to the chain's end
        links.set(first, copy + 1);
        byte[] known = slots.get(first); // after the link: a decision offered before it is seen here
        if (known != null) {
            fill(copy, known);
        }
    }

    /**
     * The core's decision (its journal bytes) for slot {@code index} and every copy of its id, from the router, which
     * has removed the id (any thread); first one wins.
     */
    void offer(int index, byte[] decision) {
        delivered[index] = true;
        fill(index, decision);
        AtomicIntegerArray links = sameId;
        if (links != null) {
            for (int i = links.get(index) - 1; i >= 0; i = links.get(i) - 1) {
                fill(i, decision);
            }
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
     * Ends this Submit's wait (event loop): unregisters its events the router did not deliver to, and returns the
     * decisions of the accepted events in Submit order, each as its {@code Decision} encoding, or null if it had
     * already finished. Called once complete, or to drop it with its connection.
     */
    public List<byte[]> finish(DecisionRouter router) {
        if (finished) {
            return null;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        for (int i = 0; i < eventIds.length; i++) {
            if (registered[i] && !delivered[i]) {
                router.unregister(eventIds[i], this);
            }
        }
        List<byte[]> out = new ArrayList<>();
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

    /** A DECISION_PENDING entry, built once as a Decision and kept as its bytes like the core's decisions. */
    private static byte[] pending(String eventId, String reason) {
        return Decision.newBuilder().setEventId(eventId).setOutcome(Outcome.OUTCOME_DECISION_PENDING)
                .setReason(reason).build().toByteArray();
    }

    private void fill(int index, byte[] decision) {
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
