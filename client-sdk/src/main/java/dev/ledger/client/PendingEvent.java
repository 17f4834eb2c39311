package dev.ledger.client;

import com.google.protobuf.ByteString;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.Status;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One submitted event on its way to an outcome: its wire bytes (encoded once, on the submitting thread), its
 * future, its deadline and what was last heard about it. Whoever settles it first (an Ack, the deadline timer,
 * close) wins and later outcomes are ignored; the {@link Settler} runs BEFORE the future completes, so the
 * in-flight permit is already free when the application's callbacks run.
 *
 * <p>Settling is thread-safe; {@code attempts} and the timer field are touched only on the client's event loop
 * (the timer once, before the event is queued).
 */
final class PendingEvent {

    /**
     * Bookkeeping run exactly once per event, before its future completes; {@code status} is STATUS_ACCEPTED for the
     * normal outcomes, the rejection's status for REJECTED, STATUS_UNSPECIFIED otherwise.
     */
    interface Settler {
        void settled(PendingEvent event, EventOutcome outcome, Status status);
    }

    static final Settler NO_BOOKKEEPING = (event, outcome, status) -> { };

    private static final AtomicIntegerFieldUpdater<PendingEvent> SETTLED =
            AtomicIntegerFieldUpdater.newUpdater(PendingEvent.class, "settled");

    final String eventId;
    /** The Kafka key it will be written under ({@link EventKeys}): events of one key are kept in submit order. */
    final String key;
    final ByteString bytes;
    /** Bytes the event adds to a Submit ({@link BatchBuilder#encodedSize(int)}), computed once, off the loop. */
    final int encodedSize;
    final CompletableFuture<Receipt> future = new CompletableFuture<>();
    /** Set when the event awaits the core's decision: then this future is the caller's, not {@link #future}. */
    final CompletableFuture<Decision> decision;
    final long deadlineNanos;
    /** Number of events submitted together starting with this one (a list submit), 1 for a single event. */
    final int groupSize;
    private final Settler settler;
    private volatile int settled;
    /**
     * Set while the event is given to a connection and not answered yet: the pin that holds its key there
     * ({@link KeyPins}; event loop only), null otherwise.
     */
    KeyPins.Pin<Connection> pin;
    /** Resends so far (event loop only). */
    int attempts;
    /** The last Ack said ACCEPTED and its decision is awaited (event loop only; cleared when it is resent). */
    boolean awaitingDecision;
    /**
     * Last status and reason heard, for the timeout message; written on the loop, read by the timer through
     * {@link #lastOutcome()}. {@link #ACCEPTED_AWAITING} stands for an ACCEPTED Ack awaiting its decision, whose text
     * is made only if it is ever read (most events are decided).
     */
    volatile String lastOutcome;
    /**
     * The ACCEPTED result {@link #ACCEPTED_AWAITING} stands for: written before {@link #lastOutcome}, whose volatile
     * write publishes it, and read after it; immutable, so a reader sees one result whole (one volatile write per
     * accepted event on the I/O thread, not two).
     */
    private EventResult accepted;
    Timeout deadlineTimer;

    /** {@link #lastOutcome} of an event stored and awaiting its decision (compared by identity). */
    private static final String ACCEPTED_AWAITING = new String("ACCEPTED, decision awaited");

    /** The last status and reason heard (any thread), or null. */
    String lastOutcome() {
        String last = lastOutcome; // the volatile read first: it makes the result written before it visible
        EventResult result = accepted;
        return last == ACCEPTED_AWAITING
                ? "ACCEPTED at " + result.getPartition() + "@" + result.getOffset() + ", decision awaited" : last;
    }

    PendingEvent(String eventId, ByteString bytes, long deadlineNanos, int groupSize, Settler settler) {
        this(eventId, bytes, deadlineNanos, groupSize, settler, false);
    }

    /** An event that is its own key (as a Snapshot is): no order to keep with any other. */
    PendingEvent(String eventId, ByteString bytes, long deadlineNanos, int groupSize, Settler settler,
            boolean awaitDecision) {
        this(eventId, eventId, bytes, deadlineNanos, groupSize, settler, awaitDecision);
    }

    PendingEvent(String eventId, String key, ByteString bytes, long deadlineNanos, int groupSize, Settler settler,
            boolean awaitDecision) {
        this.key = key;
        this.decision = awaitDecision ? new CompletableFuture<>() : null;
        this.eventId = eventId;
        this.bytes = bytes;
        this.encodedSize = BatchBuilder.encodedSize(bytes.size());
        this.deadlineNanos = deadlineNanos;
        this.groupSize = groupSize;
        this.settler = settler;
    }

    boolean isDone() {
        return settled != 0;
    }

    /** True when the event is sent with {@code await_decision} and ends with the core's decision. */
    boolean awaitsDecision() {
        return decision != null;
    }

    private boolean settle(EventOutcome outcome, Status status) {
        if (!SETTLED.compareAndSet(this, 0, 1)) {
            return false;
        }
        settler.settled(this, outcome, status);
        return true;
    }

    /**
     * Completes with a receipt (ACCEPTED) or a rejection (INVALID / UNAUTHENTICATED / PERMISSION_DENIED); false if retryable. UNSPECIFIED
     * is never sent by a correct server (docs/PROTOCOL.md): a protocol error that a resend would not fix, so it is a
     * rejection too, with status UNSPECIFIED and a reason saying so. Unknown (newer) statuses are retried.
     */
    boolean completeFinal(EventResult result) {
        Status status = result.getStatus();
        if (status == Status.STATUS_ACCEPTED && decision != null) {
            accepted = result;
            lastOutcome = ACCEPTED_AWAITING;
            awaitingDecision = true;
            return true; // stored; its Decisions frame follows on the same connection
        }
        if (status == Status.STATUS_ACCEPTED) {
            if (settle(EventOutcome.ACCEPTED, status)) {
                future.complete(new Receipt(eventId, status, result.getPartition(), result.getOffset()));
            }
            return true;
        }
        if (status == Status.STATUS_INVALID || status == Status.STATUS_UNAUTHENTICATED
                || status == Status.STATUS_PERMISSION_DENIED) {
            fail(new LedgerRejectedException(eventId, status, result.getReason()));
            return true;
        }
        if (status == Status.STATUS_UNSPECIFIED) {
            fail(new LedgerRejectedException(eventId, status, "protocol error: the server sent an unspecified status"
                    + (result.getReason().isEmpty() ? "" : " (" + result.getReason() + ")")));
            return true;
        }
        lastOutcome = status + " (" + result.getReason() + ")";
        return false;
    }

    /**
     * Completes with the core's decision (APPLIED or REJECTED alike: a business answer); false for any other outcome
     * (DECISION_PENDING: resend with the same id), after noting it for the timeout message. {@code d} is this
     * event's (the dispatcher matched the ids), so the decision takes this event's id.
     */
    boolean completeDecision(DecisionsFrame.Entry d) {
        if (d.outcome != Outcome.OUTCOME_APPLIED_VALUE && d.outcome != Outcome.OUTCOME_REJECTED_VALUE) {
            lastOutcome = (d.outcome == Outcome.OUTCOME_DECISION_PENDING_VALUE
                    ? "DECISION_PENDING" : "decision outcome " + d.outcome) + " (" + d.reason() + ")";
            return false;
        }
        EventOutcome outcome = d.outcome == Outcome.OUTCOME_APPLIED_VALUE
                ? EventOutcome.DECISION_APPLIED : EventOutcome.DECISION_REJECTED;
        if (settle(outcome, Status.STATUS_ACCEPTED)) {
            decision.complete(d.toDecision(eventId));
        }
        return true;
    }

    void fail(LedgerException failure) {
        if (settle(EventOutcome.of(failure), EventOutcome.statusOf(failure))) {
            if (decision != null) {
                decision.completeExceptionally(failure);
            } else {
                future.completeExceptionally(failure);
            }
        }
    }

    /**
     * Called by the deadline timer, or by the dispatcher as soon as it finds the event past its deadline;
     * {@code connectionProblem} explains an event that never got an answer.
     */
    void expire(long timeoutNanos, String connectionProblem) {
        if (!isDone()) {
            String last = lastOutcome();
            last = last != null ? last
                    : "no answer yet (not sent, or sent and not acknowledged); last connection problem: "
                            + connectionProblem;
            fail(new LedgerTimeoutException("event " + eventId + (decision != null ? " not decided" : " not accepted")
                    + " within " + timeoutNanos / 1_000_000
                    + " ms (" + attempts + " resends); last outcome: " + last));
        }
    }
}
