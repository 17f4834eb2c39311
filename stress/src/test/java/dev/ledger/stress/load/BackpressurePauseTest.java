package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackpressurePauseTest {

    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

    @Test
    void pausesDoubleUpToTheCap() {
        BackpressurePause pause = new BackpressurePause(Long.MAX_VALUE / 2);

        assertThat(pause.nextPauseNanos(0)).isEqualTo(50 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(100 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(200 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(400 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(800 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(1_000 * US);
        assertThat(pause.nextPauseNanos(0)).isEqualTo(1_000 * US);
    }

    @Test
    void noPauseThatWouldEndAtOrAfterTheDeadline() {
        BackpressurePause pause = new BackpressurePause(1_000 * US);

        assertThat(pause.nextPauseNanos(900 * US)).isEqualTo(50 * US);
        assertThat(pause.nextPauseNanos(900 * US)).isEqualTo(BackpressurePause.GIVE_UP);
        assertThat(new BackpressurePause(1_000 * US).nextPauseNanos(950 * US)).isEqualTo(BackpressurePause.GIVE_UP);
        assertThat(new BackpressurePause(1_000 * US).nextPauseNanos(2_000 * US)).isEqualTo(BackpressurePause.GIVE_UP);
    }

    @Test
    void offersWithinATimeoutAreBoundedByTheBackoff() {
        long timeout = TimeUnit.SECONDS.toNanos(5);
        BackpressurePause pause = new BackpressurePause(timeout);
        long now = 0;
        int offers = 1;
        long p;
        while ((p = pause.nextPauseNanos(now)) != BackpressurePause.GIVE_UP) {
            now += p;
            offers++;
        }
        double bound = Math.log((double) BackpressurePause.MAX_NANOS / BackpressurePause.FIRST_NANOS) / Math.log(2)
                + (double) timeout / BackpressurePause.MAX_NANOS + 2;
        assertThat(now).isLessThan(timeout);
        assertThat(offers).isLessThanOrEqualTo((int) bound).isGreaterThan(4_990);
    }
}
