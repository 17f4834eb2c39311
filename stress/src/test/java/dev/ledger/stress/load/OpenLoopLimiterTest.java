package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OpenLoopLimiterTest {

    /** A clock that only moves when the limiter sleeps or the test says so. */
    private static final class FakeClock implements NanoClock {
        long now = 1_000_000_000L;
        long sleeps;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            if (deadlineNanos > now) {
                now = deadlineNanos;
                sleeps++;
            }
        }
    }

    @Test
    void issuesPermitsAtTheRequestedRate() {
        FakeClock clock = new FakeClock();
        OpenLoopLimiter limiter = new OpenLoopLimiter(50_000, clock);
        long start = clock.now;
        for (int i = 0; i < 100_000; i++) {
            limiter.acquire();
        }
        double seconds = (clock.now - start) / 1e9;
        assertThat(limiter.issued()).isEqualTo(100_000);
        assertThat(100_000 / seconds).isCloseTo(50_000, within(50.0));
    }

    @Test
    void intendedTimesAreEvenlySpacedFromTheStart() {
        FakeClock clock = new FakeClock();
        OpenLoopLimiter limiter = new OpenLoopLimiter(1_000, clock);
        long start = clock.now;
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.acquire()).isEqualTo(start + i * 1_000_000L);
        }
    }

    @Test
    void afterAStallPermitsCatchUpWithTheirOriginalIntendedTimes() {
        FakeClock clock = new FakeClock();
        OpenLoopLimiter limiter = new OpenLoopLimiter(1_000, clock);
        long start = clock.now;
        limiter.acquire();
        clock.now += 100_000_000L; // the driver stalls for 100 ms
        long sleepsBefore = clock.sleeps;
        for (int i = 1; i <= 100; i++) {
            // Behind schedule: no waiting, and the intended time stays the scheduled one, so the stall counts
            // in the latency of every event that should have gone out during it.
            assertThat(limiter.acquire()).isEqualTo(start + i * 1_000_000L);
        }
        assertThat(clock.sleeps).isEqualTo(sleepsBefore);
        assertThat(clock.now - start).isEqualTo(100_000_000L);
    }

    @Test
    void restartBeginsANewScheduleAtTheCurrentTime() {
        FakeClock clock = new FakeClock();
        OpenLoopLimiter limiter = new OpenLoopLimiter(10, clock);
        limiter.acquire();
        clock.now += 5_000_000_000L;
        limiter.restart();
        assertThat(limiter.acquire()).isEqualTo(clock.now);
        assertThat(limiter.issued()).isEqualTo(1);
    }
}
