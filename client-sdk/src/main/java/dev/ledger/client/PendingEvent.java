package dev.ledger.client;

import com.google.protobuf.ByteString;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted event on its way to an outcome: its wire bytes (encoded once, on the submitting thread), its
 * future, its deadline and what was last heard about it. The future is the single source of truth for "done":
 * whoever completes it first (an Ack, the deadline timer, close) wins, and later outcomes are ignored.
 *
 * <p>Fields other than the final ones and {@code lastOutcome} are touched only on the client's event loop.
 */
final class PendingEvent {

    final String eventId;
    final ByteString bytes;
    final CompletableFuture<Receipt> future = new CompletableFuture<>();
    final long submittedNanos;
    final long deadlineNanos;
    /** Number of events submitted together starting with this one (a list submit), 1 for a single event. */
    final int groupSize;
    /** Resends so far (event loop only). */
    int attempts;
    /** Last status and reason heard, for the timeout message; written on the loop, read by the timer. */
    volatile String lastOutcome;
    Timeout deadlineTimer;

    PendingEvent(String eventId, ByteString bytes, long submittedNanos, long deadlineNanos, int groupSize) {
        this.eventId = eventId;
        this.bytes = bytes;
        this.submittedNanos = submittedNanos;
        this.deadlineNanos = deadlineNanos;
        this.groupSize = groupSize;
    }

    boolean isDone() {
        return future.isDone();
    }

    /** Completes with a receipt (ACCEPTED) or a rejection (INVALID / UNAUTHENTICATED); false if retryable. */
    boolean completeFinal(EventResult result) {
        Status status = result.getStatus();
        if (status == Status.STATUS_ACCEPTED) {
            future.complete(new Receipt(eventId, status, result.getPartition(), result.getOffset()));
            return true;
        }
        if (status == Status.STATUS_INVALID || status == Status.STATUS_UNAUTHENTICATED) {
            future.completeExceptionally(new LedgerRejectedException(eventId, status, result.getReason()));
            return true;
        }
        lastOutcome = status + " (" + result.getReason() + ")";
        return false;
    }

    void fail(LedgerException failure) {
        future.completeExceptionally(failure);
    }

    /** Called by the deadline timer; {@code connectionProblem} explains an event that never got an answer. */
    void expire(long timeoutNanos, String connectionProblem) {
        if (!future.isDone()) {
            String last = lastOutcome != null ? lastOutcome
                    : "no answer yet (not sent, or sent and not acknowledged); last connection problem: "
                            + connectionProblem;
            fail(new LedgerTimeoutException("event " + eventId + " not accepted within " + timeoutNanos / 1_000_000
                    + " ms (" + attempts + " resends); last outcome: " + last));
        }
    }
}
