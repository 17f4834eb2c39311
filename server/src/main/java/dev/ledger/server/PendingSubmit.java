package dev.ledger.server;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import dev.ledger.server.kafka.EventResults;
import dev.ledger.server.kafka.ResultSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The results of one Submit while they arrive: one slot per event, filled exactly once (first result wins), by
 * validation on the event loop, by Kafka callbacks on producer threads, or by {@link #expire} when the ack
 * timeout fires. Whoever fills the last slot hands the Submit to {@code onComplete}, which writes the Ack.
 *
 * <p>Slots and the countdown are thread-safe; {@code eventIds}, {@code timeout} and {@code answered} are
 * confined to the connection's event loop.
 */
final class PendingSubmit implements ResultSink {

    private final long requestId;
    private final String[] eventIds;
    private final byte[] eventTypes;
    private final long receivedNanos = System.nanoTime();
    private final AtomicReferenceArray<EventResult> results;
    private final AtomicInteger remaining;
    private final Consumer<PendingSubmit> onComplete;
    private ScheduledFuture<?> timeout;
    private boolean answered;

    PendingSubmit(long requestId, int eventCount, Consumer<PendingSubmit> onComplete) {
        this.requestId = requestId;
        this.eventIds = new String[eventCount];
        this.eventTypes = new byte[eventCount];
        this.results = new AtomicReferenceArray<>(eventCount);
        this.remaining = new AtomicInteger(eventCount);
        this.onComplete = onComplete;
    }

    @Override
    public void complete(int index, EventResult result) {
        if (results.compareAndSet(index, null, result) && remaining.decrementAndGet() == 0) {
            onComplete.accept(this);
        }
    }

    /** Answers every event still without a result; later results for them are ignored. Event loop only. */
    void expire(Status status, String reason) {
        for (int i = 0; i < eventIds.length; i++) {
            if (results.get(i) == null) {
                complete(i, EventResults.of(eventIds[i] == null ? "" : eventIds[i], status, reason));
            }
        }
    }

    void eventId(int index, String eventId) {
        eventIds[index] = eventId;
    }

    /**
     * The event's type for the metrics: its body's field number, or {@code ServerMetrics.UNKNOWN_TYPE} (the default)
     * when its bytes did not parse.
     */
    void eventType(int index, int bodyFieldNumber) {
        eventTypes[index] = (byte) bodyFieldNumber;
    }

    /** The events' types, by index (read once the Ack is written, for the metrics). */
    byte[] eventTypes() {
        return eventTypes;
    }

    /** When the Submit was taken in ({@code System.nanoTime()}). */
    long receivedNanos() {
        return receivedNanos;
    }

    long requestId() {
        return requestId;
    }

    int eventCount() {
        return eventIds.length;
    }

    boolean isComplete() {
        return remaining.get() == 0;
    }

    /** The results in the Submit's order; only once {@link #isComplete()}. */
    List<EventResult> results() {
        List<EventResult> list = new ArrayList<>(eventIds.length);
        for (int i = 0; i < eventIds.length; i++) {
            list.add(results.get(i));
        }
        return list;
    }

    void timeout(ScheduledFuture<?> timeout) {
        this.timeout = timeout;
    }

    /** Marks the Ack as written and cancels the timeout; false if it was already answered. Event loop only. */
    boolean markAnswered() {
        if (answered) {
            return false;
        }
        answered = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        return true;
    }
}
