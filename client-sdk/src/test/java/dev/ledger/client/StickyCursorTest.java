package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The sticky choice on plain values: stay on one connection for a full Submit's worth or until it is full; two
 * connections per endpoint take turns, endpoints alternating, and the others take events only as spill-over.
 */
class StickyCursorTest {

    private static final IntUnaryOperator FOUR_EVENTS = slot -> 4;
    private static final IntUnaryOperator MANY_BYTES = slot -> 1_000_000;

    /** One endpoint of many connections unless a test makes its own: the base is slots 0 and 1. */
    private StickyCursor cursor = new StickyCursor(3);

    private int giveOne(int slots, IntPredicate hasRoom, IntUnaryOperator maxEvents, IntUnaryOperator maxBytes,
            int bytes) {
        int slot = cursor.choose(slots, hasRoom, maxEvents, maxBytes);
        if (slot >= 0) {
            cursor.given(bytes);
        }
        return slot;
    }

    @Test
    void freeEventsStayOnOneConnectionUntilItHasAFullSubmitsWorthThenMoveOn() {
        int[] chosen = new int[10];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = giveOne(3, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(chosen).as("slot 2 is spill-over: the two base slots take turns")
                .containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0, 0);
    }

    @Test
    void withManyConnectionsPerEndpointOnlyTwoTakeTurnsWhileTheyHaveRoom() {
        cursor = new StickyCursor(128);
        int[] chosen = new int[16];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = giveOne(128, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(chosen).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1);
    }

    @Test
    void theOthersTakeEventsOnlyWhileNoBaseConnectionHasRoomThenTheTurnGoesBack() {
        cursor = new StickyCursor(5);
        Set<Integer> full = new java.util.HashSet<>(Set.of(0, 1));
        IntPredicate hasRoom = slot -> !full.contains(slot);
        assertThat(giveOne(5, hasRoom, FOUR_EVENTS, MANY_BYTES, 10)).as("both base slots full: spill-over").isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            giveOne(5, hasRoom, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(giveOne(5, hasRoom, FOUR_EVENTS, MANY_BYTES, 10)).as("spill-over takes turns too").isEqualTo(3);
        full.remove(1);
        for (int i = 0; i < 3; i++) {
            assertThat(giveOne(5, hasRoom, FOUR_EVENTS, MANY_BYTES, 10)).as("3 keeps its Submit's worth").isEqualTo(3);
        }
        assertThat(giveOne(5, hasRoom, FOUR_EVENTS, MANY_BYTES, 10)).as("then back to the base slot with room")
                .isEqualTo(1);
    }

    @Test
    void theTurnAlternatesEndpointsOverTheirFirstTwoConnections() {
        cursor = new StickyCursor(4); // endpoint a: slots 0..3, endpoint b: slots 4..7
        int[] firsts = new int[5];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = giveOne(8, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
            for (int j = 0; j < 3; j++) {
                giveOne(8, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
            }
        }
        assertThat(firsts).as("a0, b0, a1, b1, a0").containsExactly(0, 4, 1, 5, 0);
    }

    @Test
    void aConnectionPerEndpointMeansEveryConnectionTakesTurns() {
        cursor = new StickyCursor(1);
        int[] firsts = new int[4];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = giveOne(3, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
            for (int j = 0; j < 3; j++) {
                giveOne(3, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
            }
        }
        assertThat(firsts).containsExactly(0, 1, 2, 0);
    }

    @Test
    void aFullSubmitsWorthOfBytesAlsoMovesOn() {
        IntUnaryOperator hundredBytes = slot -> 100;
        int[] chosen = new int[4];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = giveOne(2, slot -> true, slot -> 1_000, hundredBytes, 40);
        }
        assertThat(chosen).as("40 + 40 + 40 passes 100 bytes").containsExactly(0, 0, 0, 1);
    }

    @Test
    void aConnectionWithoutRoomIsLeftAtOnceForTheNextWithRoom() {
        cursor = new StickyCursor(1);
        assertThat(giveOne(4, slot -> true, FOUR_EVENTS, MANY_BYTES, 10)).isZero();
        Set<Integer> withRoom = Set.of(2, 3);
        assertThat(giveOne(4, withRoom::contains, FOUR_EVENTS, MANY_BYTES, 10)).as("0 full, 1 full, 2 has room")
                .isEqualTo(2);
        assertThat(giveOne(4, withRoom::contains, FOUR_EVENTS, MANY_BYTES, 10)).as("and it sticks").isEqualTo(2);
    }

    @Test
    void noConnectionWithRoomMeansNoChoice() {
        assertThat(giveOne(3, slot -> false, FOUR_EVENTS, MANY_BYTES, 10)).isEqualTo(-1);
        assertThat(giveOne(0, slot -> true, FOUR_EVENTS, MANY_BYTES, 10)).isEqualTo(-1);
    }

    @Test
    void theOnlyConnectionWithRoomStartsItsShareOverWhenItsSubmitIsFull() {
        int[] chosen = new int[6];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = giveOne(3, slot -> slot == 1, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(chosen).containsOnly(1);
    }

    @Test
    void afterTheLastSlotTheChoiceWrapsToTheFirst() {
        cursor = new StickyCursor(1);
        for (int i = 0; i < 8; i++) {
            giveOne(2, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(giveOne(2, slot -> true, FOUR_EVENTS, MANY_BYTES, 10)).isZero();
    }
}
