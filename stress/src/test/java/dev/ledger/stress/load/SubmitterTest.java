package dev.ledger.stress.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerBackpressureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The re-offer loop under backpressure: no offer at or after the deadline, and none once interrupted. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SubmitterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static CompletableFuture<String> refused() {
        return CompletableFuture.failedFuture(new LedgerBackpressureException("SDK full"));
    }

    @Test
    void aPauseThatOverrunsTheDeadlineIsNotFollowedByAnOffer() {
        long[] now = {1_000 * MS};
        long deadline = now[0] + 5 * MS;
        List<Long> offeredAt = new ArrayList<>();
        // Every park wakes up 10 ms late, as on a loaded machine: the first one already passes the deadline.
        CompletableFuture<String> f = Submitter.offerWhileBackpressured(() -> {
            offeredAt.add(now[0]);
            return refused();
        }, deadline, () -> now[0], pause -> now[0] += pause + 10 * MS, () -> { });

        assertThat(offeredAt).as("offer times").hasSize(1).allMatch(t -> t < deadline);
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void offersStopBeforeTheDeadlineWhenParksAreOnTime() {
        long[] now = {0};
        long deadline = 5 * MS;
        List<Long> offeredAt = new ArrayList<>();
        AtomicInteger reoffers = new AtomicInteger();
        Submitter.offerWhileBackpressured(() -> {
            offeredAt.add(now[0]);
            return refused();
        }, deadline, () -> now[0], pause -> now[0] += pause, reoffers::incrementAndGet);

        assertThat(offeredAt).as("offer times").hasSizeGreaterThan(5).allMatch(t -> t < deadline);
        assertThat(reoffers.get()).isEqualTo(offeredAt.size() - 1);
    }

    @Test
    void anInterruptedDriverStopsReofferingAndKeepsTheFlag() {
        AtomicInteger offers = new AtomicInteger();
        Thread.currentThread().interrupt();

        CompletableFuture<String> f = Submitter.offerWhileBackpressured(() -> {
            offers.incrementAndGet();
            return refused();
        }, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), System::nanoTime, LockSupport::parkNanos, () -> { });

        assertThat(offers.get()).as("offers once interrupted (parks return at once)").isEqualTo(1);
        assertThat(Thread.interrupted()).as("interrupt flag left set").isTrue();
        assertThat(f).isCompletedExceptionally();
    }

    @Test
    void anOfferTheSdkTakesIsNotRepeated() {
        AtomicInteger offers = new AtomicInteger();
        CompletableFuture<String> f = Submitter.offerWhileBackpressured(() -> offers.incrementAndGet() < 3
                ? refused() : CompletableFuture.completedFuture("taken"), Long.MAX_VALUE / 2, System::nanoTime,
                pause -> { }, () -> { });

        assertThat(f).isCompletedWithValue("taken");
        assertThat(offers.get()).isEqualTo(3);
    }
}
