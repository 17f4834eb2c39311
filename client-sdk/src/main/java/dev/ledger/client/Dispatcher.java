package dev.ledger.client;

import dev.ledger.proto.Ack;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's write path and result path, confined to its single event loop. Events arrive from the
 * {@link SubmitQueue} (and from retries) into a ready queue; {@link #dispatch()} gives each to a connection, then
 * cuts each connection's events into Submits that respect its Welcome limits and flushes each touched connection
 * once. Acks complete futures; UNAVAILABLE / OVERLOADED results and lost connections put the same events back after
 * a backoff, until their deadline timer ends them.
 *
 * <p>Which connection (Kafka's sticky partitioner, by connection): an event whose Kafka key has an unanswered event
 * on a connection goes to that connection ({@link KeyRouter}, {@link KeyPins}), so one key's events keep their submit order; any other
 * event goes to the sticky connection, which keeps taking events until it got a full Submit's worth (events or
 * bytes) or its in-flight window is full, and only then hands over to the next connection that has room, two per
 * endpoint taking turns and the others only as spill-over ({@link StickyCursor}). So more connections never cut the
 * same traffic into smaller Submits. With strict key order a {@link KeyGate} in front lets
 * one event per key in at a time.
 *
 * <p>Deadlines are a gate on sending, never a shortcut through the backoff: an event found past its deadline (on a
 * retryable outcome, when its backoff ends, or when it is about to go into a Submit) fails with
 * {@link LedgerTimeoutException} at once and is never sent again, and a resend whose backoff would end at or after
 * the deadline is not made at all (no answer could come in time): the event waits for its deadline timer. So every
 * resend waits its full backoff, which bounds the sends per event ({@link Backoff#mostSendsWithin}).
 *
 * <p>Bounded: only unsettled events hold an {@link Admission} permit, so at most maxInFlightEvents of the held
 * events are live; settled ones (expired while no connection could take them) are pruned as events enter, so the
 * ready queue never holds more than maxInFlightEvents, outage or not.
 *
 * <p>A handshake refused with UNAUTHENTICATED or UNSUPPORTED_VERSION marks that connection slot refused until one of
 * its handshakes succeeds. Refused slots keep reconnecting with their normal backoff but carry nothing; once EVERY
 * slot is refused, every held event and every event that arrives later fails with {@link LedgerRejectedException}
 * instead of waiting for its deadline.
 *
 * <p>Not thread-safe: every method runs on the event loop.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** {@link #resendDelayNanos}: the deadline has passed; fail the event now. */
    static final long EXPIRED = -1;
    /** {@link #resendDelayNanos}: the backoff would end at or after the deadline; do not resend. */
    static final long NOT_IN_TIME = -2;

    private final EventLoop loop;
    private final ClientSettings settings;
    private final Recorder recorder;
    private final Backoff retryBackoff;
    private final ArrayDeque<PendingEvent> ready = new ArrayDeque<>();
    private final Set<PendingEvent> backingOff = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<ConnectionSlot> slots = new ArrayList<>();
    private final List<Connection> touched = new ArrayList<>();
    private final KeyRouter router;
    /** Null unless strict key order was asked for. */
    private final KeyGate gate;
    private boolean dispatchScheduled;
    private boolean dispatching;
    private boolean dispatchAgain;
    private long nextRequestId = 1;
    private volatile String lastConnectionProblem = "no connection attempt finished yet";

    Dispatcher(EventLoop loop, ClientSettings settings, Recorder recorder) {
        this.loop = loop;
        this.settings = settings;
        this.recorder = recorder;
        this.retryBackoff = new Backoff(settings.retryBackoffInitialNanos(), settings.retryBackoffMaxNanos());
        this.gate = settings.strictKeyOrder() ? new KeyGate() : null;
        this.router = new KeyRouter(slots, settings.maxEventsPerBatch(), settings.connectionsPerEndpoint());
    }

    EventLoop loop() {
        return loop;
    }

    Recorder recorder() {
        return recorder;
    }

    void addSlot(ConnectionSlot slot) {
        slots.add(slot);
    }

    List<ConnectionSlot> slots() {
        return slots;
    }

    String lastConnectionProblem() {
        return lastConnectionProblem;
    }

    void noteConnectionProblem(String problem) {
        lastConnectionProblem = problem;
    }

    /** New events from the submit queue, a group's events contiguous. */
    void enqueue(List<PendingEvent> events) {
        if (gate == null) {
            // Not addAll: ArrayDeque's goes through forEach and a method reference, per submit call.
            for (int i = 0, n = events.size(); i < n; i++) {
                ready.addLast(events.get(i));
            }
        } else {
            for (PendingEvent event : events) {
                // A settled event never enters the gate: nothing would ever let its key's next event through.
                if (!event.isDone() && gate.admit(event)) {
                    ready.addLast(event);
                }
            }
        }
        pruneSettled();
    }

    /**
     * Strict key order: an event is settled (from any thread, before its future completes). Its key's next event,
     * if one waits, goes to the ready queue, on the event loop.
     */
    void keySettled(PendingEvent event) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> keySettled(event));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the client is closing: close() fails whatever the gate still holds
            }
            return;
        }
        PendingEvent next = gate.settled(event);
        if (next != null) {
            ready.addLast(next);
            dispatchSoon();
        }
    }

    /** Runs a dispatch after the current task (or another pass of the running one), once however often asked. */
    private void dispatchSoon() {
        if (dispatching) {
            dispatchAgain = true;
        } else if (!dispatchScheduled) {
            try {
                loop.execute(() -> {
                    dispatchScheduled = false;
                    dispatch();
                });
                dispatchScheduled = true;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the client is closing: close() fails whatever is still held
            }
        }
    }

    /**
     * Drops settled events once the ready queue passes maxInFlightEvents. Live events hold a permit each, so after
     * this the queue holds at most maxInFlightEvents. Settled events usually sit at the head (deadlines expire in
     * submit order), which costs nothing to trim; only one stuck behind a live event (a resend) needs the full pass.
     */
    private void pruneSettled() {
        int max = settings.maxInFlightEvents();
        if (ready.size() <= max) {
            return;
        }
        while (!ready.isEmpty() && ready.peekFirst().isDone()) {
            ready.pollFirst();
        }
        if (ready.size() > max) {
            ready.removeIf(PendingEvent::isDone);
        }
    }

    /** Events held in the ready queue, given to a connection but not written, in retry backoff or behind their
     * key's open event; for tests (event loop only). */
    int heldEvents() {
        return ready.size() + backingOff.size() + router.held() + (gate == null ? 0 : gate.waiting());
    }

    /**
     * Sends as much of the ready queue as the connections can take now; one flush per touched connection.
     * Re-entrant calls (a flush that closes a channel, a writability change) only ask the running pass to go again.
     */
    void dispatch() {
        if (dispatching) {
            dispatchAgain = true;
            return;
        }
        dispatching = true;
        try {
            do {
                dispatchAgain = false;
                sendReady();
                flushTouched();
            } while (dispatchAgain);
        } finally {
            dispatching = false;
        }
    }

    private void sendReady() {
        router.reclaimFromClosed(ready);
        router.route(ready);
        sendGiven();
        if (!ready.isEmpty()) {
            // Else what is left waits for a Welcome, an Ack or writability, each of which dispatches again.
            failAllIfEveryEndpointRefused();
        }
    }

    /** Writes what each connection was given, as far as its window and Welcome limits allow. */
    private void sendGiven() {
        var it = router.givenQueues();
        while (it.hasNext()) {
            var entry = it.next();
            Connection connection = entry.getKey();
            ArrayDeque<PendingEvent> queue = entry.getValue();
            while (!queue.isEmpty() && connection.canTake()) {
                int maxEvents = Math.min(router.submitEvents(connection), connection.capacity());
                List<PendingEvent> batch = BatchBuilder.take(queue, maxEvents, connection.maxFrameBytes,
                        System.nanoTime(), event -> {
                            router.answered(event);
                            expire(event);
                        }, event -> {
                            router.answered(event);
                            event.fail(new LedgerRejectedException(event.eventId, Status.STATUS_INVALID, "event of "
                                    + event.bytes.size() + " bytes cannot fit the server's max frame of "
                                    + connection.maxFrameBytes + " bytes"));
                        }, router::answered);
                if (batch.isEmpty()) {
                    continue;
                }
                connection.send(nextRequestId++, batch);
                recorder.submitSent(connection.endpointLabel(), batch.size());
                if (!touched.contains(connection)) {
                    touched.add(connection);
                }
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
    }

    private void flushTouched() {
        while (!touched.isEmpty()) {
            touched.remove(touched.size() - 1).flush();
        }
    }

    /** Results of one Submit, in its order; matched by position, checked by event id. */
    void onAck(List<PendingEvent> events, Ack ack, Endpoint from) {
        for (PendingEvent event : events) {
            router.answered(event);
        }
        List<EventResult> results = ack.getResultsList();
        for (int i = 0; i < events.size(); i++) {
            PendingEvent event = events.get(i);
            EventResult result = i < results.size() ? results.get(i) : null;
            if (result != null && !result.getEventId().equals(event.eventId)) {
                result = findResult(results, event.eventId);
            }
            if (event.isDone()) {
                continue;
            }
            if (result == null) {
                event.lastOutcome = "no result for it in the Ack from " + from;
                retry(event);
            } else if (!event.completeFinal(result)) {
                retry(event);
            }
        }
        dispatch();
    }

    private static EventResult findResult(List<EventResult> results, String eventId) {
        for (EventResult r : results) {
            if (r.getEventId().equals(eventId)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The Decisions frame of an await_decision Submit, for its events that were ACCEPTED; matched by event id. An
     * APPLIED or REJECTED decision completes the event; DECISION_PENDING, or no entry, resends it with the same id
     * (the core then answers with a duplicate decision repeating the original outcome), until its deadline.
     */
    void onDecisions(List<PendingEvent> events, DecisionsFrame frame, Endpoint from) {
        for (int i = 0; i < events.size(); i++) {
            PendingEvent event = events.get(i);
            if (event.isDone()) {
                continue;
            }
            // Decisions come in the Submit's order (docs/PROTOCOL.md), so the i-th is the usual match.
            int d = i < frame.size() && frame.get(i).hasEventId(event.eventId) ? i : frame.indexOf(event.eventId);
            if (d < 0) {
                event.lastOutcome = "no decision for it in the Decisions from " + from;
                retry(event);
            } else if (!event.completeDecision(frame.get(d))) {
                retry(event);
            }
        }
        dispatch();
    }

    /** Accepted events that awaited a decision from a server whose Welcome did not offer decisions. */
    void onDecisionsUnsupported(List<PendingEvent> events, Endpoint from) {
        for (PendingEvent event : events) {
            event.fail(new LedgerRejectedException(event.eventId, Status.STATUS_UNSPECIFIED, "server " + from
                    + " stored the event (" + event.lastOutcome() + ") but does not return decisions (its Welcome does"
                    + " not offer them)"));
        }
    }

    void onConnectionLost(List<PendingEvent> unacknowledged, String reason) {
        for (PendingEvent event : unacknowledged) {
            router.answered(event);
            if (!event.isDone()) {
                event.lastOutcome = "sent, then " + reason;
                retry(event);
            }
        }
        dispatch();
    }

    /**
     * An Error frame, just before its connection closes. UNAUTHENTICATED and UNSUPPORTED_VERSION (sent only in the
     * handshake) cannot be fixed by a resend: the slot is marked refused, and if every slot now is, everything held
     * fails at once. Other errors only end the connection; its events are resent elsewhere.
     */
    void onServerError(ConnectionSlot slot, dev.ledger.proto.Error error, String reason) {
        log.warn("{}", reason);
        noteConnectionProblem(reason);
        ErrorCode code = error.getCode();
        if (code == ErrorCode.ERROR_CODE_UNAUTHENTICATED || code == ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION) {
            slot.refused(code == ErrorCode.ERROR_CODE_UNAUTHENTICATED
                    ? Status.STATUS_UNAUTHENTICATED : Status.STATUS_UNSPECIFIED, reason);
            failAllIfEveryEndpointRefused();
        }
    }

    /**
     * The endpoint's TLS handshake failed in a way a reconnect with the same settings cannot fix (untrusted or
     * expired server certificate, wrong host name, client certificate refused): the slot is marked refused with
     * UNAUTHENTICATED and the reason, as for a refused token; it keeps reconnecting with backoff, so a fixed
     * certificate is picked up.
     */
    void onRefused(ConnectionSlot slot, String reason) {
        log.warn("{}", reason);
        noteConnectionProblem(reason);
        slot.refused(Status.STATUS_UNAUTHENTICATED, reason);
        failAllIfEveryEndpointRefused();
    }

    /** Fails every held event with the refusal when no slot is left that the servers would talk to. */
    private void failAllIfEveryEndpointRefused() {
        if (slots.isEmpty()) {
            return;
        }
        for (ConnectionSlot slot : slots) {
            if (slot.refusedStatus() == null) {
                return;
            }
        }
        ConnectionSlot first = slots.get(0);
        // Copy and clear first: a failed future's callback may re-enter (submit, or close() sweeping these queues).
        List<PendingEvent> doomed = takeHeld();
        for (PendingEvent event : doomed) {
            event.fail(new LedgerRejectedException(event.eventId, first.refusedStatus(), first.refusedReason()));
        }
    }

    /**
     * After a retryable outcome: puts the event back once its jittered backoff has passed, if that is before its
     * deadline. Past the deadline it fails now; if the backoff would end at or after the deadline it is not resent
     * and its deadline timer ends it.
     */
    private void retry(PendingEvent event) {
        event.awaitingDecision = false;
        long delayNanos = resendDelayNanos(retryBackoff.delayNanos(event.attempts), System.nanoTime(),
                event.deadlineNanos);
        if (delayNanos == EXPIRED) {
            expire(event);
            return;
        }
        if (delayNanos == NOT_IN_TIME) {
            return;
        }
        recorder.eventRetried();
        event.attempts++;
        backingOff.add(event);
        loop.schedule(() -> {
            if (backingOff.remove(event) && !event.isDone()) {
                if (event.deadlineNanos - System.nanoTime() <= 0) {
                    expire(event); // the loop ran late: past the deadline now, so never sent again
                    return;
                }
                ready.addLast(event);
                pruneSettled();
                dispatch();
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * When a resend may go: after the full backoff, and only if that is still before the deadline. The deadline
     * never shortens the backoff; clipping the delay to it once sent an event in a tight loop between its deadline
     * and the coarse deadline timer.
     *
     * @return {@code backoffNanos}, or {@link #EXPIRED} or {@link #NOT_IN_TIME}
     */
    static long resendDelayNanos(long backoffNanos, long nowNanos, long deadlineNanos) {
        long untilDeadline = deadlineNanos - nowNanos;
        if (untilDeadline <= 0) {
            return EXPIRED;
        }
        return backoffNanos < untilDeadline ? backoffNanos : NOT_IN_TIME;
    }

    /** Fails an event past its deadline now, without waiting for its (coarse) deadline timer. */
    private void expire(PendingEvent event) {
        event.expire(settings.requestTimeoutNanos(), lastConnectionProblem);
    }

    /** Removes and returns every event held and not sent: ready, given to a connection, backing off, gated. */
    private List<PendingEvent> takeHeld() {
        List<PendingEvent> all = new ArrayList<>(ready);
        ready.clear();
        all.addAll(router.takeGiven());
        all.addAll(backingOff);
        backingOff.clear();
        if (gate != null) {
            all.addAll(gate.takeAll());
        }
        return all;
    }

    /** Removes and returns every event the dispatcher still holds, for close(). */
    List<PendingEvent> takeAll() {
        List<PendingEvent> all = takeHeld();
        router.clearPins();
        for (ConnectionSlot slot : slots) {
            Connection connection = slot.current();
            if (connection != null) {
                all.addAll(connection.takeInFlight());
            }
        }
        return all;
    }
}
