package dev.ledger.server.decisions;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Submits wait for a decision about which event id, across every connection of one server. Event loops
 * register an event before it goes to Kafka (so its decision cannot arrive unseen) and unregister it when its
 * Submit finishes; the {@link DecisionReader} delivers each decision to every waiter of its event id (the same id
 * can be awaited twice, e.g. a resend on a second connection while the first still waits).
 *
 * <p>Bounded by the connections' in-flight windows: an event awaits only while it counts against its connection's
 * window. Thread-safe; chains are immutable and replaced atomically per key. Decisions travel as the journal's
 * bytes: nothing here parses them.
 */
public final class DecisionRouter {

    /**
     * Most Submits that may wait for one event id at once (across connections); a further one is refused and its
     * event answered DECISION_PENDING at once, so a client repeating one id cannot make a decision's delivery (or an
     * unregistration) walk an unbounded chain.
     */
    static final int MAX_WAITERS_PER_EVENT_ID = 16;

    /** {@link #register}: the waiter was added. */
    static final int REGISTERED = -1;
    /** {@link #register}: refused, the id has {@link #MAX_WAITERS_PER_EVENT_ID} waiters already. */
    static final int REFUSED = -2;

    /** One Submit's wait for one event id; equal only to itself, so {@code remove(id, waiter)} removes this one. */
    private static final class Waiter {
        final AwaitedDecisions submit;
        final int index;
        final Waiter next;
        final int count;

        Waiter(AwaitedDecisions submit, int index, Waiter next, int count) {
            this.submit = submit;
            this.index = index;
            this.next = next;
            this.count = count;
        }
    }

    private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();

    /**
     * Registers slot {@code index} of {@code submit} as a waiter for {@code eventId}. Returns {@link #REGISTERED};
     * or the slot {@code submit} registered for this id before (a copy of the id within one Submit: nothing is
     * added, the caller answers the copy with that slot's decision); or {@link #REFUSED} (nothing registered) when
     * the id already has {@link #MAX_WAITERS_PER_EVENT_ID} waiters.
     */
    int register(String eventId, AwaitedDecisions submit, int index) {
        Waiter only = new Waiter(submit, index, null, 1);
        if (waiters.putIfAbsent(eventId, only) == null) {
            return REGISTERED; // the common case: nobody else waits for this id
        }
        int[] result = {REGISTERED};
        waiters.compute(eventId, (id, head) -> {
            if (head == null) {
                return only;
            }
            for (Waiter w = head; w != null; w = w.next) {
                if (w.submit == submit) {
                    result[0] = w.index;
                    return head;
                }
            }
            if (head.count >= MAX_WAITERS_PER_EVENT_ID) {
                result[0] = REFUSED;
                return head;
            }
            return new Waiter(submit, index, head, head.count + 1);
        });
        return result[0];
    }

    /** Removes {@code submit}'s waiter of {@code eventId}, if any. */
    void unregister(String eventId, AwaitedDecisions submit) {
        Waiter head = waiters.get(eventId);
        if (head == null) {
            return;
        }
        // The common case, one waiter: remove the key, unless the chain changed since it was read.
        if (head.next == null && head.submit == submit && waiters.remove(eventId, head)) {
            return;
        }
        waiters.computeIfPresent(eventId, (id, h) -> without(h, submit));
    }

    /** The chain without {@code submit}'s waiter (chains are short and capped; the part after it is shared). */
    private static Waiter without(Waiter head, AwaitedDecisions submit) {
        Waiter[] before = new Waiter[MAX_WAITERS_PER_EVENT_ID];
        int n = 0;
        Waiter w = head;
        while (w != null && w.submit != submit) {
            before[n++] = w;
            w = w.next;
        }
        if (w == null) {
            return head; // not in the chain
        }
        Waiter rebuilt = w.next; // a Submit waits once per id: the rest is kept as it is
        for (int i = n - 1; i >= 0; i--) {
            rebuilt = new Waiter(before[i].submit, before[i].index, rebuilt, rebuilt == null ? 1 : rebuilt.count + 1);
        }
        return rebuilt;
    }

    /** Hands a decision's journal bytes to every waiter of its event id; false when nobody waits for it. */
    boolean deliver(String eventId, byte[] decision) {
        Waiter w = waiters.get(eventId);
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
