package dev.ledger.client;

import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The sticky choice of connection for events whose key is free (Kafka's sticky partitioner, by connection): keep
 * giving them to one slot's connection until it has been given a full Submit's worth (events or bytes) or has no
 * room left in its in-flight window, then move on to the next slot, in turn, that has room. A trickle thus fills
 * one connection's Submits instead of being cut into one-event frames over every connection.
 *
 * <p>Which slots take turns: the <em>base</em> slots, the first {@link #BASE_PER_ENDPOINT} connections of every
 * endpoint, in an order that alternates endpoints ({@code a0, b0, a1, b1}); the others only when no base slot has
 * room (a full window, not writable, not connected), and the turn goes back to the base once the spill-over
 * connection has had its Submit's worth and a base slot has room. So
 * a client with 128 connections per endpoint carries its traffic like one with two, spilling over only when two
 * windows cannot hold what is in flight. Spreading the same traffic over more connections would not add capacity
 * (the window is the client's, the I/O thread is one) but it would cut it into more and smaller Submits, and spread
 * the connections the keys are pinned to ({@link KeyPins}), so that a pass writes a small frame to each (measured:
 * 137 instead of 206 events per frame at 128 connections, and 0.89 of the throughput). Two, not one: the server
 * reads each connection on one event loop, and two connections keep two of them busy; endpoints alternate so that
 * the load is spread over the servers.
 *
 * <p>Slots are numbered endpoint by endpoint, {@code connectionsPerEndpoint} each (as {@link ClientCore} adds them).
 * Pure logic over slot indexes, so it is tested on plain values. Not thread-safe: event loop only.
 */
final class StickyCursor {

    /** Connections per endpoint that take turns; the others are spill-over. */
    static final int BASE_PER_ENDPOINT = 2;

    private final int perEndpoint;
    /** The turn order, laid out for {@link #laidOutFor} slots: connections per endpoint, endpoints, base slots. */
    private int laidOutFor = -1;
    private int per;
    private int endpoints;
    private int base;
    /** The current slot's position in the turn order, and the slot there. */
    private int position;
    private int slot;
    /** The last base position that had the turn, where the base's turn goes on after a spill-over. */
    private int basePosition;
    private int events;
    private long bytes;

    StickyCursor(int connectionsPerEndpoint) {
        if (connectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("connectionsPerEndpoint must be >= 1: " + connectionsPerEndpoint);
        }
        this.perEndpoint = connectionsPerEndpoint;
    }

    /**
     * The slot to give the next free event to, or -1 when none has room.
     *
     * @param slotCount slots, 0..slotCount-1, a multiple of connectionsPerEndpoint
     * @param hasRoom whether a slot's connection can be given an event now
     * @param maxEvents a slot's events per Submit
     * @param maxBytes a slot's bytes per Submit
     */
    int choose(int slotCount, IntPredicate hasRoom, IntUnaryOperator maxEvents, IntUnaryOperator maxBytes) {
        if (slotCount == 0) {
            return -1;
        }
        if (slotCount != laidOutFor) {
            layOut(slotCount);
        }
        // Per event while the current slot takes it: nothing is computed but its room and its Submit's worth.
        if (hasRoom.test(slot) && events < maxEvents.applyAsInt(slot) && bytes < maxBytes.applyAsInt(slot)) {
            return slot;
        }
        // The next base slot with room, in turn (the current one last: alone with room, it starts a new Submit).
        for (int i = 1; i <= base; i++) {
            int p = (basePosition + i) % base;
            if (hasRoom.test(slotAt(p))) {
                basePosition = p;
                return moveTo(p);
            }
        }
        // Spill-over: no base slot has room; the spill-over slots take turns among themselves too.
        int spill = slotCount - base;
        int after = position >= base ? position - base : spill - 1; // from a base slot, start at the first
        for (int i = 1; i <= spill; i++) {
            int p = base + (after + i) % spill;
            if (hasRoom.test(slotAt(p))) {
                return moveTo(p);
            }
        }
        return -1;
    }

    /** The turn order for {@code slotCount} slots; slots not in whole endpoints (only in tests that add slots by
     * hand) are taken as one endpoint. */
    private void layOut(int slotCount) {
        laidOutFor = slotCount;
        per = slotCount % perEndpoint == 0 ? perEndpoint : slotCount;
        endpoints = slotCount / per;
        base = endpoints * Math.min(BASE_PER_ENDPOINT, per);
        position %= slotCount;
        basePosition %= base;
        slot = slotAt(position);
    }

    private int moveTo(int p) {
        position = p;
        slot = slotAt(p);
        events = 0;
        bytes = 0;
        return slot;
    }

    /**
     * The slot at a position of the turn order: connection {@code position / endpoints} of endpoint
     * {@code position % endpoints}, so that positions alternate endpoints.
     */
    private int slotAt(int position) {
        return (position % endpoints) * per + position / endpoints;
    }

    /** The chosen slot was given one event of {@code encodedBytes}. */
    void given(int encodedBytes) {
        events++;
        bytes += encodedBytes;
    }
}
