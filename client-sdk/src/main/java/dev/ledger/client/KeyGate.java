package dev.ledger.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict key order ({@code strictKeyOrder(true)}): lets one event per Kafka key at a time into the dispatcher, and
 * holds the key's later events, in submit order, until that one is settled (accepted, rejected, timed out or
 * closed), however many resends that takes. Pinning alone cannot keep order across a resend: the later events were
 * already sent when the earlier one is answered UNAVAILABLE or OVERLOADED (the server answers each event on its own,
 * and a smaller later one may fit where an earlier one did not), so the hold has to start at the first send.
 *
 * <p>Not thread-safe: event loop only.
 */
final class KeyGate {

    /** Per key with an event let through: that event, and the key's later events waiting behind it. */
    private static final class Line {
        PendingEvent open;
        final ArrayDeque<PendingEvent> waiting = new ArrayDeque<>();

        Line(PendingEvent open) {
            this.open = open;
        }
    }

    private final Map<String, Line> lines = new HashMap<>();
    private int waiting;

    /** True if {@code event} may go now (nothing of its key is open); else it waits behind its key's open event. */
    boolean admit(PendingEvent event) {
        Line line = lines.get(event.key);
        if (line == null) {
            lines.put(event.key, new Line(event));
            return true;
        }
        line.waiting.addLast(event);
        waiting++;
        return false;
    }

    /**
     * {@code event} is settled. If it was its key's open event, the key's next unsettled waiting event becomes open
     * and is returned, to be sent; else null. A settled waiting event is simply dropped.
     */
    PendingEvent settled(PendingEvent event) {
        Line line = lines.get(event.key);
        if (line == null) {
            return null;
        }
        if (line.open != event) {
            if (line.waiting.remove(event)) {
                waiting--;
            }
            return null;
        }
        PendingEvent next;
        while ((next = line.waiting.pollFirst()) != null) {
            waiting--;
            if (!next.isDone()) {
                line.open = next;
                return next;
            }
        }
        lines.remove(event.key);
        return null;
    }

    /** Events held behind an open one. */
    int waiting() {
        return waiting;
    }

    /** Removes and returns every waiting event and forgets every key, for close() or a refusal by every endpoint. */
    List<PendingEvent> takeAll() {
        List<PendingEvent> all = new ArrayList<>(waiting);
        for (Line line : lines.values()) {
            all.addAll(line.waiting);
        }
        lines.clear();
        waiting = 0;
        return all;
    }
}
