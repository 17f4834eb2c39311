package dev.ledger.client;

import com.google.protobuf.CodedOutputStream;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts the next Submit out of the ready queue within the limits of one connection: at most {@code maxEvents}
 * events and a frame no larger than the server's {@code maxFrameBytes}. Events already done (timed out, closed)
 * are dropped on the way; events past their deadline are handed back to be failed, never sent. A group submitted
 * together (the list variant) is not split across two Submits when it would fit whole into the next one. Events that
 * await decisions and events that do not never share a Submit ({@code await_decision} is a Submit's flag). Pure
 * logic, no I/O; not thread-safe (event loop only).
 */
final class BatchBuilder {

    /** Room kept for the ClientFrame and Submit headers: tags, lengths and the request id. */
    static final int FRAME_OVERHEAD_BYTES = 24;

    private BatchBuilder() {
    }

    /** Bytes an event adds to a Submit: tag, length varint, payload. */
    static int encodedSize(PendingEvent event) {
        return event.encodedSize;
    }

    /** Bytes an event of {@code len} encoded bytes adds to a Submit: tag, length varint, payload. */
    static int encodedSize(int len) {
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(len) + len;
    }

    /**
     * @param ready events waiting to be sent, oldest first; taken events are removed
     * @param maxEvents most events in this Submit, at least 1
     * @param maxFrameBytes the server's frame limit
     * @param nowNanos the time now; events whose deadline is not after it are not sent
     * @param expired receives (removed) events past their deadline
     * @param oversize receives (removed) events that could never fit in any frame
     * @return the events of the next Submit, possibly empty when nothing is ready
     */
    static List<PendingEvent> take(Deque<PendingEvent> ready, int maxEvents, int maxFrameBytes, long nowNanos,
                                   Consumer<PendingEvent> expired, Consumer<PendingEvent> oversize) {
        return take(ready, maxEvents, maxFrameBytes, nowNanos, expired, oversize, event -> { });
    }

    /** As above; {@code settled} receives (removed) events that were already done. */
    static List<PendingEvent> take(Deque<PendingEvent> ready, int maxEvents, int maxFrameBytes, long nowNanos,
                                   Consumer<PendingEvent> expired, Consumer<PendingEvent> oversize,
                                   Consumer<PendingEvent> settled) {
        int budget = maxFrameBytes - FRAME_OVERHEAD_BYTES;
        List<PendingEvent> batch = new ArrayList<>(Math.min(maxEvents, ready.size()));
        int bytes = 0;
        while (batch.size() < maxEvents) {
            PendingEvent head = ready.peekFirst();
            if (head == null) {
                break;
            }
            if (head.isDone()) {
                ready.pollFirst();
                settled.accept(head);
                continue;
            }
            if (head.deadlineNanos - nowNanos <= 0) {
                ready.pollFirst();
                expired.accept(head);
                continue;
            }
            int size = encodedSize(head);
            if (size > budget) {
                ready.pollFirst();
                oversize.accept(head);
                continue;
            }
            if (bytes + size > budget) {
                break;
            }
            if (!batch.isEmpty() && head.awaitsDecision() != batch.get(0).awaitsDecision()) {
                break; // await_decision is per Submit: a Submit holds events of one kind
            }
            if (!batch.isEmpty() && head.groupSize > 1 && batch.size() + head.groupSize > maxEvents
                    && head.groupSize <= maxEvents) {
                break; // the whole group fits into the next Submit: keep it together
            }
            ready.pollFirst();
            batch.add(head);
            bytes += size;
        }
        return batch;
    }
}
