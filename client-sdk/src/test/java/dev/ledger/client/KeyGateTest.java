package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** Strict key order on plain objects: one event per key through at a time, the rest in submit order behind it. */
class KeyGateTest {

    private final KeyGate gate = new KeyGate();

    private static PendingEvent event(String id, String key) {
        return new PendingEvent(id, key, ByteString.EMPTY, Long.MAX_VALUE, 1, PendingEvent.NO_BOOKKEEPING, false);
    }

    private static void settle(PendingEvent event) {
        event.fail(new LedgerClosedException("settled by the test"));
    }

    @Test
    void theFirstEventOfAKeyGoesAndItsLaterOnesWait() {
        PendingEvent a1 = event("a1", "alice");
        PendingEvent a2 = event("a2", "alice");
        PendingEvent b1 = event("b1", "bob");

        assertThat(gate.admit(a1)).isTrue();
        assertThat(gate.admit(a2)).isFalse();
        assertThat(gate.admit(b1)).as("another key is not held").isTrue();
        assertThat(gate.waiting()).isEqualTo(1);
    }

    @Test
    void onlyTheSettlingOfTheOpenEventLetsTheNextOneGoInSubmitOrder() {
        PendingEvent a1 = event("a1", "alice");
        PendingEvent a2 = event("a2", "alice");
        PendingEvent a3 = event("a3", "alice");
        gate.admit(a1);
        gate.admit(a2);
        gate.admit(a3);

        settle(a1);
        assertThat(gate.settled(a1)).isSameAs(a2);
        assertThat(gate.admit(event("a4", "alice"))).as("a2 is open now").isFalse();
        settle(a2);
        assertThat(gate.settled(a2)).isSameAs(a3);
        assertThat(gate.waiting()).isEqualTo(1);
    }

    @Test
    void aWaitingEventThatSettlesIsSkippedAndDropped() {
        PendingEvent a1 = event("a1", "alice");
        PendingEvent a2 = event("a2", "alice");
        PendingEvent a3 = event("a3", "alice");
        gate.admit(a1);
        gate.admit(a2);
        gate.admit(a3);

        settle(a2);
        assertThat(gate.settled(a2)).as("not the open one").isNull();
        assertThat(gate.waiting()).isEqualTo(1);
        settle(a1);
        assertThat(gate.settled(a1)).isSameAs(a3);
    }

    @Test
    void aKeyWithNothingWaitingIsFreeOnceItsOpenEventSettles() {
        PendingEvent a1 = event("a1", "alice");
        gate.admit(a1);
        settle(a1);
        assertThat(gate.settled(a1)).isNull();
        assertThat(gate.admit(event("a2", "alice"))).isTrue();
    }

    @Test
    void takeAllHandsOverEveryWaitingEventAndForgetsTheKeys() {
        PendingEvent a1 = event("a1", "alice");
        PendingEvent a2 = event("a2", "alice");
        gate.admit(a1);
        gate.admit(a2);

        assertThat(gate.takeAll()).containsExactly(a2);
        assertThat(gate.waiting()).isZero();
        assertThat(gate.admit(event("a3", "alice"))).isTrue();
    }
}
