package dev.ledger.client;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The sticky choice of connection for events whose key is free (Kafka's sticky partitioner, by connection): keep
 * giving them to one slot's connection until it has been given a full Submit's worth (events or bytes) or has no
 * room left in its in-flight window, then move on to the next slot, in order, that has room. A trickle thus fills
 * one connection's Submits instead of being cut into one-event frames over every connection, and the load still
 * turns over all connections, a Submit's worth at a time.
 *
 * <p>Pure logic over slot indexes, so it is tested on plain values. Not thread-safe: event loop only.
 */
final class StickyCursor {

    private int slot;
    private int events;
    private long bytes;

    /**
     * The slot to give the next free event to, or -1 when none has room.
     *
     * @param slotCount slots, 0..slotCount-1
     * @param hasRoom whether a slot's connection can be given an event now
     * @param maxEvents a slot's events per Submit
     * @param maxBytes a slot's bytes per Submit
     */
    int choose(int slotCount, IntPredicate hasRoom, IntUnaryOperator maxEvents, IntUnaryOperator maxBytes) {
        if (slotCount == 0) {
            return -1;
        }
        slot %= slotCount;
        if (hasRoom.test(slot) && events < maxEvents.applyAsInt(slot) && bytes < maxBytes.applyAsInt(slot)) {
            return slot;
        }
        for (int i = 1; i <= slotCount; i++) {
            int index = (slot + i) % slotCount;
            if (hasRoom.test(index)) {
                slot = index;
                events = 0;
                bytes = 0;
                return index;
            }
        }
        return -1;
    }

    /** The chosen slot was given one event of {@code encodedBytes}. */
    void given(int encodedBytes) {
        events++;
        bytes += encodedBytes;
    }
}
