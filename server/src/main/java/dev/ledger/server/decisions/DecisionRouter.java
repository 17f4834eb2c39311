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

    private record Waiter(AwaitedDecisions submit, int index, Waiter next) {
    }

    private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();

    void register(String eventId, AwaitedDecisions submit, int index) {
        waiters.compute(eventId, (id, head) -> new Waiter(submit, index, head));
    }

    void unregister(String eventId, AwaitedDecisions submit) {
        waiters.computeIfPresent(eventId, (id, head) -> without(head, submit));
    }

    private static Waiter without(Waiter head, AwaitedDecisions submit) {
        if (head == null) {
            return null;
        }
        Waiter rest = without(head.next, submit);
        return head.submit == submit ? rest : rest == head.next ? head : new Waiter(head.submit, head.index, rest);
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
