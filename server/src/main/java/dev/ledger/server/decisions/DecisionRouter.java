package dev.ledger.server.decisions;

import dev.ledger.core.rules.Uuids;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which Submits wait for a decision about which event id, across every connection of one server. Event loops
 * register an event before it goes to Kafka (so its decision cannot arrive unseen) and unregister it when its
 * Submit finishes; the {@link DecisionReader} delivers each decision to every waiter of its event id (the same id
 * can be awaited twice, e.g. a resend on a second connection while the first still waits) and removes the id in
 * the same step, so a Submit unregisters only the events that were not delivered (timed out, not accepted, or
 * dropped with their connection): one table lookup per decided event saved, on the event loop.
 *
 * <p>Bounded by the connections' in-flight windows: an event awaits only while it counts against its connection's
 * window. Thread-safe: the ids are split by hash among {@value #STRIPES} stripes, each guarded by its own lock held
 * only for one lookup or update (no shared counter, no wait longer than a short table update, so an event loop is
 * never blocked for long). A UUID-shaped id (the core's {@link Uuids} rule, the ledger's own) is kept by its two
 * longs in the stripe's {@link UuidTable}, with a lone waiter inline; any other id by its String in the stripe's map. The reader hands
 * over the id as the record's bytes, so a UUID-shaped id is never made into a String. A waiter chain is immutable
 * once stored, so a decision is handed to its waiters outside the lock. Decisions travel as the journal's bytes:
 * nothing here parses them.
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

    private static final int STRIPE_BITS = 6;
    static final int STRIPES = 1 << STRIPE_BITS;

    /** One Submit's wait for one event id, in an immutable chain of the id's waiters. */
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

    /**
     * The ids of one hash range; its monitor guards both tables. A UUID's entry holds its lone waiter's Submit with
     * the slot as the tag, or a {@link Waiter} chain of two or more; a String's entry always holds a chain.
     */
    private static final class Stripe {
        final UuidTable uuids;
        HashMap<String, Waiter> others; // made at the first id that is not UUID-shaped

        Stripe(long seed) {
            uuids = new UuidTable(seed);
        }
    }

    private final long seed = ThreadLocalRandom.current().nextLong();
    private final Stripe[] stripes = new Stripe[STRIPES];

    public DecisionRouter() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(seed);
        }
    }

    /**
     * Registers slot {@code index} of {@code submit} as a waiter for {@code eventId}. Returns {@link #REGISTERED};
     * or the slot {@code submit} registered for this id before (a copy of the id within one Submit: nothing is
     * added, the caller answers the copy with that slot's decision); or {@link #REFUSED} (nothing registered) when
     * the id already has {@link #MAX_WAITERS_PER_EVENT_ID} waiters.
     */
    int register(String eventId, AwaitedDecisions submit, int index) {
        if (!Uuids.isUuid(eventId)) {
            return registerOther(eventId, submit, index);
        }
        return registerUuid(Uuids.msb(eventId), Uuids.lsb(eventId), submit, index);
    }

    /**
     * {@link #register(String, AwaitedDecisions, int)} with the id's UTF-8 bytes at hand too ({@code idBytes[idStart
     * ..]}, {@code idLength} bytes, as received): a UUID-shaped id is recognized and read from the bytes, without a
     * scan of the String.
     */
    int register(String eventId, byte[] idBytes, int idStart, int idLength, AwaitedDecisions submit, int index) {
        if (!Uuids.isUuid(idBytes, idStart, idLength)) {
            return registerOther(eventId, submit, index);
        }
        return registerUuid(Uuids.msb(idBytes, idStart), Uuids.lsb(idBytes, idStart), submit, index);
    }

    private int registerUuid(long high, long low, AwaitedDecisions submit, int index) {
        long hash = UuidTable.hash(high, low, seed);
        Stripe s = stripe(hash);
        synchronized (s) {
            UuidTable t = s.uuids;
            int slot = t.find(high, low, hash);
            if (slot < 0) {
                t.insert(high, low, hash, submit, index); // the common case: nobody else waits for this id
                return REGISTERED;
            }
            Waiter head = t.value(slot) instanceof Waiter w ? w
                    : new Waiter((AwaitedDecisions) t.value(slot), t.tag(slot), null, 1);
            int copy = slotOf(head, submit);
            if (copy >= 0) {
                return copy;
            }
            if (head.count >= MAX_WAITERS_PER_EVENT_ID) {
                return REFUSED;
            }
            t.set(slot, new Waiter(submit, index, head, head.count + 1), 0);
            return REGISTERED;
        }
    }

    private int registerOther(String eventId, AwaitedDecisions submit, int index) {
        Stripe s = stripe(eventId);
        synchronized (s) {
            if (s.others == null) {
                s.others = new HashMap<>();
            }
            Waiter head = s.others.get(eventId);
            if (head == null) {
                s.others.put(eventId, new Waiter(submit, index, null, 1));
                return REGISTERED;
            }
            int copy = slotOf(head, submit);
            if (copy >= 0) {
                return copy;
            }
            if (head.count >= MAX_WAITERS_PER_EVENT_ID) {
                return REFUSED;
            }
            s.others.put(eventId, new Waiter(submit, index, head, head.count + 1));
            return REGISTERED;
        }
    }

    /** Removes {@code submit}'s waiter of {@code eventId}, if any (none once its decision was delivered). */
    void unregister(String eventId, AwaitedDecisions submit) {
        if (!Uuids.isUuid(eventId)) {
            unregisterOther(eventId, submit);
            return;
        }
        long high = Uuids.msb(eventId);
        long low = Uuids.lsb(eventId);
        long hash = UuidTable.hash(high, low, seed);
        Stripe s = stripe(hash);
        synchronized (s) {
            UuidTable t = s.uuids;
            int slot = t.find(high, low, hash);
            if (slot < 0) {
                return;
            }
            Object value = t.value(slot);
            if (value == submit) {
                t.removeAt(slot); // the common case: its lone waiter
            } else if (value instanceof Waiter head) {
                Waiter rest = without(head, submit); // a chain holds two or more, so rest is not empty
                if (rest == null) {
                    t.removeAt(slot);
                } else if (rest.next == null) {
                    t.set(slot, rest.submit, rest.index);
                } else if (rest != head) {
                    t.set(slot, rest, 0);
                }
            }
        }
    }

    private void unregisterOther(String eventId, AwaitedDecisions submit) {
        Stripe s = stripe(eventId);
        synchronized (s) {
            Waiter head = s.others == null ? null : s.others.get(eventId);
            if (head == null) {
                return;
            }
            Waiter rest = without(head, submit);
            if (rest == null) {
                s.others.remove(eventId);
            } else if (rest != head) {
                s.others.put(eventId, rest);
            }
        }
    }

    /** The slot {@code submit} waits with in the chain, or -1. */
    private static int slotOf(Waiter head, AwaitedDecisions submit) {
        for (Waiter w = head; w != null; w = w.next) {
            if (w.submit == submit) {
                return w.index;
            }
        }
        return -1;
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

    /**
     * Hands a decision's journal bytes to every waiter of the event id at {@code decision[idStart ..]}
     * ({@code idLength} ASCII bytes, as {@link DecisionEventIds#locate} found them), and removes the id; false when
     * nobody waits for it. A UUID-shaped id is looked up by its bits without becoming a String.
     */
    boolean deliver(byte[] decision, int idStart, int idLength) {
        if (!Uuids.isUuid(decision, idStart, idLength)) {
            return deliverOther(new String(decision, idStart, idLength, StandardCharsets.ISO_8859_1), decision);
        }
        return deliverUuid(Uuids.msb(decision, idStart), Uuids.lsb(decision, idStart), decision);
    }

    /** Hands a decision's journal bytes to every waiter of its event id, and removes the id; false when nobody waits. */
    boolean deliver(String eventId, byte[] decision) {
        if (!Uuids.isUuid(eventId)) {
            return deliverOther(eventId, decision);
        }
        return deliverUuid(Uuids.msb(eventId), Uuids.lsb(eventId), decision);
    }

    private boolean deliverUuid(long high, long low, byte[] decision) {
        long hash = UuidTable.hash(high, low, seed);
        Stripe s = stripe(hash);
        Object value;
        int tag;
        synchronized (s) {
            int slot = s.uuids.find(high, low, hash);
            if (slot < 0) {
                return false;
            }
            value = s.uuids.value(slot);
            tag = s.uuids.tag(slot);
            s.uuids.removeAt(slot); // its waiters have their answer: they need not unregister
        }
        if (value instanceof Waiter head) {
            offerAll(head, decision);
        } else {
            ((AwaitedDecisions) value).offer(tag, decision);
        }
        return true;
    }

    private boolean deliverOther(String eventId, byte[] decision) {
        Stripe s = stripe(eventId);
        Waiter head;
        synchronized (s) {
            head = s.others == null ? null : s.others.remove(eventId);
        }
        if (head == null) {
            return false;
        }
        offerAll(head, decision);
        return true;
    }

    /** Outside the stripe's lock: a Submit completed here hops to its event loop, which may wake it up. */
    private static void offerAll(Waiter head, byte[] decision) {
        for (Waiter w = head; w != null; w = w.next) {
            w.submit.offer(w.index, decision);
        }
    }

    private Stripe stripe(long hash) {
        return stripes[(int) (hash >>> (Long.SIZE - STRIPE_BITS))];
    }

    private Stripe stripe(String eventId) {
        return stripes[(int) (UuidTable.hash(eventId.hashCode(), 0, seed) >>> (Long.SIZE - STRIPE_BITS))];
    }

    /** Event ids awaited now (for tests and metrics); each stripe counted under its lock, not all at one instant. */
    public int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.uuids.size() + (s.others == null ? 0 : s.others.size());
            }
        }
        return n;
    }
}
