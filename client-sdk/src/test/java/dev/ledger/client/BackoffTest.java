package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(100, 1_000);

    @Test
    void delayDoublesPerAttemptUntilTheCap() {
        assertThat(backoff.delayNanos(0, 0.999_999)).isEqualTo(99);
        assertThat(backoff.delayNanos(1, 0.999_999)).isEqualTo(199);
        assertThat(backoff.delayNanos(2, 0.999_999)).isEqualTo(399);
        assertThat(backoff.delayNanos(3, 0.999_999)).isEqualTo(799);
        assertThat(backoff.delayNanos(4, 0.999_999)).isEqualTo(999);
        assertThat(backoff.delayNanos(1_000, 0.999_999)).isEqualTo(999);
    }

    @Test
    void jitterKeepsAtLeastHalfTheCappedDelay() {
        assertThat(backoff.delayNanos(0, 0.0)).isEqualTo(50);
        assertThat(backoff.delayNanos(10, 0.0)).isEqualTo(500);
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.delayNanos(2)).isBetween(200L, 400L);
        }
    }

    @Test
    void hugeMaximumDoesNotOverflow() {
        Backoff wide = new Backoff(1, Long.MAX_VALUE);

        assertThat(wide.delayNanos(200, 0.5)).isPositive();
    }

    @Test
    void initialAboveMaximumIsRefused() {
        assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
