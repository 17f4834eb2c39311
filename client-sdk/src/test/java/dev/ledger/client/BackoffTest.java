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

    @Test
    void mostSendsWithinCountsEveryDelayAtItsShortest() {
        // shortest delays: 50, 100, 200, 400, then 500 each; sends at 0, 50, 150, 350, 750, 1250, 1750, ...
        assertThat(backoff.mostSendsWithin(50)).isEqualTo(1);
        assertThat(backoff.mostSendsWithin(51)).isEqualTo(2);
        assertThat(backoff.mostSendsWithin(750)).isEqualTo(4);
        assertThat(backoff.mostSendsWithin(751)).isEqualTo(5);
        assertThat(backoff.mostSendsWithin(1_750)).isEqualTo(6);
        assertThat(backoff.mostSendsWithin(2_000)).isEqualTo(7);
        assertThat(backoff.mostSendsWithin(1_000_750)).isEqualTo(2_004);
    }

    @Test
    void mostSendsWithinForTheDefaultsStaysUnderTheDocumentedFormula() {
        long ms = 1_000_000;
        Backoff defaults = new Backoff(50 * ms, 2_000 * ms);
        assertThat(defaults.mostSendsWithin(5_000 * ms)).isEqualTo(10);
        assertThat(defaults.mostSendsWithin(30_000 * ms)).isEqualTo(35);
        for (long t = 1; t <= 120_000; t += 7) {
            double formula = Math.log(2_000.0 / 50) / Math.log(2) + 2.0 * t / 2_000 + 2;
            assertThat(defaults.mostSendsWithin(t * ms)).as("timeout %d ms", t).isLessThanOrEqualTo((int) formula);
        }
    }
}
