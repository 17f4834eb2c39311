package dev.ledger.server.decisions;

import dev.ledger.proto.Decision;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Submits wait for a decision about which event id, across every connection of one server. Event loops
 * register an event before it goes to Kafka (so its decision cannot arrive unseen) and unregister it when its
 * Submit finishes; the {@link DecisionReader} delivers each decision to every waiter of its event id (the same id
 * can be awaited twice, e.g. a resend on a second connection while the first still waits).
 *
 * <p>Bounded by the connections' in-flight windows: an event awaits only while it counts against its connection's
 * window. Thread-safe; chains are immutable and replaced atomically per key.
 */
public final class DecisionRouter {

    /**
     * Most Submits that may wait for one event id at once (across connections); a further one is refused and its
     * event answered DECISION_PENDING at once, so a client repeating one id cannot make a decision's delivery (or an
     * unregistration) walk an unbounded chain.
     */
    static final int MAX_WAITERS_PER_EVENT_ID = 16;

    private record Waiter(AwaitedDecisions submit, int index, Waiter next, int count) {
    }

    private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();

    /** Registers a waiter; false (nothing registered) when the id already has {@link #MAX_WAITERS_PER_EVENT_ID}. */
    boolean register(String eventId, AwaitedDecisions submit, int index) {
        boolean[] added = new boolean[1];
        waiters.compute(eventId, (id, head) -> {
            if (head != null && head.count >= MAX_WAITERS_PER_EVENT_ID) {
                return head;
            }
            added[0] = true;
            return new Waiter(submit, index, head, head == null ? 1 : head.count + 1);
        });
        return added[0];
    }

    void unregister(String eventId, AwaitedDecisions submit) {
        waiters.computeIfPresent(eventId, (id, head) -> without(head, submit));
    }

    /** The chain without {@code submit}'s waiters (iterative; chains are short and capped). */
    private static Waiter without(Waiter head, AwaitedDecisions submit) {
        Waiter[] kept = new Waiter[MAX_WAITERS_PER_EVENT_ID];
        int n = 0;
        for (Waiter w = head; w != null; w = w.next) {
            if (w.submit != submit) {
                kept[n++] = w;
            }
        }
        Waiter rebuilt = null;
        for (int i = n - 1; i >= 0; i--) {
            rebuilt = new Waiter(kept[i].submit, kept[i].index, rebuilt, rebuilt == null ? 1 : rebuilt.count + 1);
        }
        return rebuilt;
    }

    /** Hands the decision to every waiter of its event id; false when nobody waits for it. */
    boolean deliver(Decision decision) {
        Waiter w = waiters.get(decision.getEventId());
        if (w == null) {
            return false;
        }
        for (; w != null; w = w.next) {
            w.submit.offer(w.index, decision);
        }
        return true;
    }

    /** Event ids awaited now (for tests and metrics). */
    public int size() {
        return waiters.size();
    }
}
