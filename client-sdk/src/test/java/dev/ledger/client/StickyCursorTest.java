package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** The sticky choice on plain values: stay on one connection for a full Submit's worth or until it is full. */
class StickyCursorTest {

    private static final IntUnaryOperator FOUR_EVENTS = slot -> 4;
    private static final IntUnaryOperator MANY_BYTES = slot -> 1_000_000;

    private final StickyCursor cursor = new StickyCursor();

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
        assertThat(chosen).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2);
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
        for (int i = 0; i < 8; i++) {
            giveOne(2, slot -> true, FOUR_EVENTS, MANY_BYTES, 10);
        }
        assertThat(giveOne(2, slot -> true, FOUR_EVENTS, MANY_BYTES, 10)).isZero();
    }
}
