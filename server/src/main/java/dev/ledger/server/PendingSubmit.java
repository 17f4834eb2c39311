package dev.ledger.server;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import dev.ledger.server.codec.AckFrame;
import dev.ledger.server.kafka.EventResults;
import dev.ledger.server.kafka.ResultSink;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The results of one Submit while they arrive: one slot per event, filled exactly once (first result wins), by
 * validation on the event loop, by Kafka callbacks on producer threads, or by {@link #expire} when the ack
 * timeout fires. Whoever fills the last slot hands the Submit to its {@link Target}, which writes the Ack.
 *
 * <p>Results are kept as primitives, not {@link EventResult} objects: a status number, partition and offset per
 * event, and a reason string only for the rare events not ACCEPTED. The Ack is encoded from them by {@link
 * AckFrame}. An event's id in the Ack is the one given to {@link #eventId} (the id inside a result handed to
 * {@link #complete} is the same and is not read).
 *
 * <p>Slots and the countdown are thread-safe: a slot is claimed by a CAS on its status, its partition, offset and
 * reason are written after the claim and published by the countdown, so whoever sees the count reach zero (and
 * every thread it hands the Submit to) sees them all. {@code eventIds}, {@code eventTypes} and {@code answered}
 * are confined to the connection's event loop.
 */
final class PendingSubmit implements ResultSink, AckFrame.Results {

    /** Where a complete Submit goes: its connection, which writes its Ack on its event loop. */
    interface Target {
        /** Called once, by whoever filled the last result: an event loop or a Kafka producer thread. */
        void submitComplete(PendingSubmit p);
    }

    private static final VarHandle STATUS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int OPEN = 0; // Status.STATUS_UNSPECIFIED: never a result

    private final long requestId;
    private final String[] eventIds;
    private final byte[][] idBuffers;
    private final int[] idOffsets;
    private final int[] idLengths;
    private final byte[] eventTypes;
    private final long receivedNanos = System.nanoTime();
    private final int[] statuses;
    private final int[] partitions;
    private final long[] offsets;
    private final String[] reasons;
    private final AtomicInteger remaining;
    private final Target target;
    private boolean answered;

    PendingSubmit(long requestId, int eventCount, Target target) {
        this.requestId = requestId;
        this.eventIds = new String[eventCount];
        this.idBuffers = new byte[eventCount][];
        this.idOffsets = new int[eventCount];
        this.idLengths = new int[eventCount];
        this.eventTypes = new byte[eventCount];
        this.statuses = new int[eventCount];
        this.partitions = new int[eventCount];
        this.offsets = new long[eventCount];
        this.reasons = new String[eventCount];
        this.remaining = new AtomicInteger(eventCount);
        this.target = target;
    }

    /** The event was stored by Kafka at this partition and offset (the hot path: no objects). */
    @Override
    public void accepted(int index, String eventId, int partition, long offset) {
        if (STATUS.compareAndSet(statuses, index, OPEN, Status.STATUS_ACCEPTED.getNumber())) {
            partitions[index] = partition;
            offsets[index] = offset;
            filled();
        }
    }

    /** The event's result as an object: the rare outcomes (rejections, failures) and tests. */
    @Override
    public void complete(int index, EventResult result) {
        if (result.getStatus() == Status.STATUS_ACCEPTED) {
            accepted(index, result.getEventId(), result.getPartition(), result.getOffset());
        } else {
            rejected(index, result.getStatus(), result.getReason());
        }
    }

    /** The event was not stored: {@code status} (not ACCEPTED) with its reason. */
    void rejected(int index, Status status, String reason) {
        if (status == Status.STATUS_UNSPECIFIED || status == Status.UNRECOGNIZED) {
            throw new IllegalArgumentException("not a result status: " + status);
        }
        if (STATUS.compareAndSet(statuses, index, OPEN, status.getNumber())) {
            reasons[index] = reason;
            filled();
        }
    }

    private void filled() {
        if (remaining.decrementAndGet() == 0) {
            target.submitComplete(this);
        }
    }

    /** Answers every event still without a result; later results for them are ignored. Event loop only. */
    void expire(Status status, String reason) {
        for (int i = 0; i < statuses.length; i++) {
            if ((int) STATUS.getVolatile(statuses, i) == OPEN) {
                rejected(i, status, reason);
            }
        }
    }

    void eventId(int index, String eventId) {
        eventIds[index] = eventId;
    }

    /**
     * The event's id as UTF-8 bytes inside the event as received ({@code buffer} is not copied and must not change):
     * the Ack copies them as they are. The String is made only if {@link #eventId(int)} is asked for.
     */
    void eventIdBytes(int index, byte[] buffer, int offset, int length) {
        idBuffers[index] = buffer;
        idOffsets[index] = offset;
        idLengths[index] = length;
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

    /** The events' status numbers, by index; only once {@link #isComplete()}. */
    int[] statusNumbers() {
        return statuses;
    }

    /** The connection this Submit belongs to. */
    Target target() {
        return target;
    }

    /** When the Submit was taken in ({@code System.nanoTime()}). */
    long receivedNanos() {
        return receivedNanos;
    }

    @Override
    public long requestId() {
        return requestId;
    }

    @Override
    public int eventCount() {
        return eventIds.length;
    }

    @Override
    public String eventId(int index) {
        String id = eventIds[index];
        if (id == null) {
            byte[] buffer = idBuffers[index];
            id = buffer == null ? "" : new String(buffer, idOffsets[index], idLengths[index], StandardCharsets.UTF_8);
        }
        return id;
    }

    @Override
    public byte[] eventIdBuffer(int index) {
        return eventIds[index] == null ? idBuffers[index] : null;
    }

    @Override
    public int eventIdOffset(int index) {
        return idOffsets[index];
    }

    @Override
    public int eventIdLength(int index) {
        return idLengths[index];
    }

    @Override
    public int statusNumber(int index) {
        return statuses[index];
    }

    @Override
    public int partition(int index) {
        return partitions[index];
    }

    @Override
    public long offset(int index) {
        return offsets[index];
    }

    @Override
    public String reason(int index) {
        String reason = reasons[index];
        return reason == null ? "" : reason;
    }

    boolean isComplete() {
        return remaining.get() == 0;
    }

    /** The results as objects, in the Submit's order; only once {@link #isComplete()} (tests, diagnostics). */
    List<EventResult> results() {
        List<EventResult> list = new ArrayList<>(eventIds.length);
        for (int i = 0; i < eventIds.length; i++) {
            Status status = Status.forNumber(statuses[i]);
            list.add(status == Status.STATUS_ACCEPTED ? EventResults.accepted(eventId(i), partitions[i], offsets[i])
                    : EventResults.of(eventId(i), status, reason(i)));
        }
        return list;
    }

    /** Marks the Ack as written; false if it was already answered (or dropped with its connection). Event loop only. */
    boolean markAnswered() {
        if (answered) {
            return false;
        }
        answered = true;
        return true;
    }
}
