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

    @Test
    void theInitialDelayMustBePositiveAndMayEqualTheMaximum() {
        assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
        Backoff fixed = new Backoff(10, 10);
        assertThat(fixed.delayNanos(0, 0.0)).isEqualTo(5);
        assertThat(fixed.delayNanos(5, 0.0)).isEqualTo(5);
    }

    @Test
    void theJitterAddsItsShareOfTheHalfItMayTake() {
        assertThat(backoff.delayNanos(0, 0.5)).isEqualTo(75);
        assertThat(backoff.delayNanos(3, 0.25)).isEqualTo(400 + 100);
    }

    @Test
    void anOddMaximumIsReachedOnlyWhenDoublingWouldPassIt() {
        Backoff odd = new Backoff(1, 5);
        // capped delays 1, 2, 4, then 5: at 2 the doubling still fits (2 * 2 <= 5)
        assertThat(odd.delayNanos(1, 0.0)).isEqualTo(1);
        assertThat(odd.delayNanos(2, 0.0)).isEqualTo(2);
        assertThat(odd.delayNanos(3, 0.0)).isEqualTo(3);
    }

    @Test
    void aHugeMaximumStillDoublesExactlyUpToIt() {
        Backoff wide = new Backoff(1, Long.MAX_VALUE);
        assertThat(wide.delayNanos(1, 0.0)).isEqualTo(1);
        assertThat(wide.delayNanos(40, 0.0)).isEqualTo(1L << 39);
        assertThat(wide.delayNanos(62, 0.0)).isEqualTo(1L << 61);
        assertThat(wide.delayNanos(63, 0.0)).as("capped: MAX - MAX / 2").isEqualTo(1L << 62);
        assertThat(wide.delayNanos(1_000, 0.0)).isEqualTo(1L << 62);
    }

    @Test
    void theFirstSendAlwaysCountsEvenInAnEmptyWindow() {
        assertThat(new Backoff(1, 1).mostSendsWithin(0)).isEqualTo(1);
        assertThat(new Backoff(1, 1).mostSendsWithin(1)).isEqualTo(1);
        assertThat(new Backoff(1, 1).mostSendsWithin(2)).isEqualTo(2);
        assertThat(backoff.mostSendsWithin(0)).isEqualTo(1);
    }
}
