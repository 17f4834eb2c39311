package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pinning on plain objects: a key stays on its connection while any of its events is unanswered. */
class KeyPinsTest {

    private final KeyPins<String> pins = new KeyPins<>();

    @Test
    void aKeyIsFreeUntilAnEventOfItIsGivenToAConnection() {
        assertThat(pins.pinnedTo("alice")).isNull();
        pins.pin("alice", "conn-1");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-1");
        assertThat(pins.pinnedTo("bob")).as("other keys stay free").isNull();
    }

    @Test
    void aKeyStaysPinnedUntilItsLastUnansweredEventIsAnswered() {
        pins.pin("alice", "conn-1");
        pins.pin("alice", "conn-1");
        pins.pin("alice", "conn-1");

        pins.release("alice");
        pins.release("alice");
        assertThat(pins.pinnedTo("alice")).as("one of three still unanswered").isEqualTo("conn-1");

        pins.release("alice");
        assertThat(pins.pinnedTo("alice")).isNull();
        assertThat(pins.size()).isZero();
    }

    @Test
    void aFreedKeyMayMoveToAnotherConnection() {
        pins.pin("alice", "conn-1");
        pins.release("alice");
        pins.pin("alice", "conn-2");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-2");
    }

    @Test
    void pinningAPinnedKeyElsewhereIsRefusedBecauseItWouldReorder() {
        pins.pin("alice", "conn-1");
        assertThatThrownBy(() -> pins.pin("alice", "conn-2")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alice");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-1");
    }

    @Test
    void releasingAFreeKeyChangesNothing() {
        pins.release("alice");
        pins.pin("bob", "conn-1");
        pins.release("alice");
        assertThat(pins.size()).isEqualTo(1);
        assertThat(pins.pinnedTo("bob")).isEqualTo("conn-1");
    }
}
