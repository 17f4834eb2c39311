package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Pinning on plain objects: a key stays on its connection while any of its events is unanswered; each event holds
 * its key's pin, and a pin that left the map never touches the key's newer pin.
 */
class KeyPinsTest {

    private final KeyPins<String> pins = new KeyPins<>();

    @Test
    void aKeyIsFreeUntilAnEventOfItIsGivenToAConnection() {
        assertThat(pins.pinnedTo("alice")).isNull();
        assertThat(pins.pinOf("alice")).isNull();
        pins.pin("alice", "conn-1");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-1");
        assertThat(pins.pinnedTo("bob")).as("other keys stay free").isNull();
    }

    @Test
    void aKeyStaysPinnedUntilItsLastUnansweredEventIsAnswered() {
        KeyPins.Pin<String> first = pins.pin("alice", "conn-1");
        KeyPins.Pin<String> second = pins.pin("alice", "conn-1");
        KeyPins.Pin<String> third = pins.pin("alice", "conn-1");
        assertThat(second).isSameAs(first);
        assertThat(third).isSameAs(first);
        assertThat(first.events()).isEqualTo(3);

        pins.release(first);
        pins.release(second);
        assertThat(pins.pinnedTo("alice")).as("one of three still unanswered").isEqualTo("conn-1");

        pins.release(third);
        assertThat(pins.pinnedTo("alice")).isNull();
        assertThat(pins.size()).isZero();
    }

    @Test
    void thePinLookedUpForRoutingIsTheOneCounted() {
        KeyPins.Pin<String> held = pins.pin("alice", "conn-1");
        KeyPins.Pin<String> found = pins.pinOf("alice");
        assertThat(found).isSameAs(held);
        assertThat(found.to).isEqualTo("conn-1");

        assertThat(pins.pin("alice", found, "conn-1")).isSameAs(held);
        assertThat(held.events()).isEqualTo(2);
        assertThat(pins.size()).isEqualTo(1);
    }

    @Test
    void aFreedKeyMayMoveToAnotherConnection() {
        pins.release(pins.pin("alice", "conn-1"));
        pins.pin("alice", "conn-2");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-2");
    }

    @Test
    void aKeyRepinnedAfterItsReleaseGetsANewPinThatTheOldOneCannotFree() {
        KeyPins.Pin<String> old = pins.pin("alice", "conn-1");
        pins.release(old);
        KeyPins.Pin<String> renewed = pins.pin("alice", "conn-1");
        assertThat(renewed).isNotSameAs(old);

        pins.release(old); // a second answer for the first event
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-1");
        assertThat(renewed.events()).isEqualTo(1);
    }

    @Test
    void aPinHeldAcrossAClearIsStaleAndLeavesTheKeysNewPinAlone() {
        KeyPins.Pin<String> stale = pins.pin("alice", "conn-1");
        pins.clear();
        assertThat(pins.pinnedTo("alice")).isNull();
        KeyPins.Pin<String> current = pins.pin("alice", "conn-2");

        pins.release(stale);
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-2");
        assertThat(pins.pinOf("alice")).isSameAs(current);
        assertThat(pins.size()).isEqualTo(1);
    }

    @Test
    void pinningAPinnedKeyElsewhereIsRefusedBecauseItWouldReorder() {
        KeyPins.Pin<String> held = pins.pin("alice", "conn-1");
        assertThatThrownBy(() -> pins.pin("alice", "conn-2")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alice");
        assertThatThrownBy(() -> pins.pin("alice", held, "conn-2")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alice");
        assertThatThrownBy(() -> pins.pin("alice", null, "conn-2")).as("looked up as free, pinned meanwhile")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alice");
        assertThat(pins.pinnedTo("alice")).isEqualTo("conn-1");
        assertThat(held.events()).isEqualTo(1);
    }

    @Test
    void pinningWithAPinThatLeftTheMapIsRefused() {
        KeyPins.Pin<String> released = pins.pin("alice", "conn-1");
        pins.release(released);
        assertThatThrownBy(() -> pins.pin("alice", released, "conn-1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alice");

        KeyPins.Pin<String> cleared = pins.pin("bob", "conn-1");
        pins.clear();
        assertThatThrownBy(() -> pins.pin("bob", cleared, "conn-1")).isInstanceOf(IllegalStateException.class);
        assertThat(pins.size()).isZero();
    }

    @Test
    void releasingAPinWithNoEventLeftChangesNothing() {
        KeyPins.Pin<String> alice = pins.pin("alice", "conn-1");
        pins.release(alice);
        pins.pin("bob", "conn-1");
        pins.release(alice);
        assertThat(alice.events()).isZero();
        assertThat(pins.size()).isEqualTo(1);
        assertThat(pins.pinnedTo("bob")).isEqualTo("conn-1");
    }
}
