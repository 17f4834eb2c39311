package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How often the SDK sends one event while the server answers UNAVAILABLE to everything (its Kafka is down): the
 * resends follow the backoff up to the deadline and stop there, so each event reaches the server at most about
 * log2(timeout / initial backoff) + timeout / max backoff + 2 times, and never in a burst at its deadline. A real
 * loopback server ({@link StandInServer}) counts what arrives; the figures are printed as {@code RESEND-BOUND}
 * lines.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerClientResendBoundTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    private static final long STABLE_MS = 100;

    /** The bound as the issue states it: log2(timeout / initial) + timeout / max + 2, about 11.1 here. */
    static double approximateBound(Duration timeout, Duration initial, Duration max) {
        double t = timeout.toNanos();
        return Math.log(t / initial.toNanos()) / Math.log(2) + t / max.toNanos() + 2;
    }

    private static LedgerClient client(StandInServer server) {
        // The defaults of retryBackoff, spelled out so the bound below names what it depends on.
        return LedgerClient.builder().endpoints(server.endpoint()).clientName("resend-bound")
                .requestTimeout(TIMEOUT).retryBackoff(INITIAL_BACKOFF, MAX_BACKOFF).build();
    }

    @Test
    void oneEventAgainstAnStandInServerIsSentNoMoreThanTheBackoffAllows() throws Exception {
        try (StandInServer server = new StandInServer(false); LedgerClient client = client(server)) {
            CompletableFuture<Receipt> f = client.submitAsync(Mutations.snapshot("one-event", "resend bound"));

            Throwable failure = failureOf(f, Duration.ofSeconds(20));
            // The last send may still be on its way to the server's counter when the future fails.
            int sends = awaitStable(() -> server.sendsPerEvent().get("one-event").get());
            ClientStats stats = client.stats();
            System.out.printf("RESEND-BOUND single event: sends=%d framesSent=%d eventsRetried=%d bound=%.1f"
                    + " guaranteed=%d%n", sends, stats.framesSent(), stats.eventsRetried(),
                    approximateBound(TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF), worstCaseSends());

            assertThat(failure).isInstanceOf(LedgerTimeoutException.class).hasMessageContaining("UNAVAILABLE");
            assertThat(sends).as("sends of one event within its 5 s deadline")
                    .isLessThanOrEqualTo((int) approximateBound(TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF))
                    .isLessThanOrEqualTo(worstCaseSends());
            assertThat(stats.framesSent()).as("frames the client wrote").isEqualTo(sends);
        }
    }

    @Test
    void aThousandEventsOverFiveSecondsAreEachSentNoMoreThanTheBackoffAllows() throws Exception {
        int events = 1_000;
        long intervalNanos = TimeUnit.SECONDS.toNanos(5) / events;
        try (StandInServer server = new StandInServer(false); LedgerClient client = client(server)) {
            List<CompletableFuture<Receipt>> futures = new ArrayList<>(events);
            long next = System.nanoTime();
            for (int i = 0; i < events; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                next += intervalNanos;
                futures.add(client.submitAsync(Mutations.snapshot("e-" + i, "resend bound")));
            }
            int timedOut = 0;
            for (CompletableFuture<Receipt> f : futures) {
                if (failureOf(f, Duration.ofSeconds(20)) instanceof LedgerTimeoutException) {
                    timedOut++;
                }
            }
            awaitStable(() -> server.sendsPerEvent().values().stream().mapToInt(AtomicInteger::get).sum());
            IntSummaryStatistics perEvent = server.sendsPerEvent().values().stream()
                    .mapToInt(AtomicInteger::get).summaryStatistics();
            ClientStats stats = client.stats();
            System.out.printf("RESEND-BOUND %d events over 5 s: events seen=%d sends per event max=%d mean=%.2f"
                    + " total=%d; Submit frames=%d; eventsRetried=%d; bound=%.1f guaranteed=%d%n", events,
                    perEvent.getCount(), perEvent.getMax(), perEvent.getAverage(), perEvent.getSum(),
                    server.submits(), stats.eventsRetried(),
                    approximateBound(TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF), worstCaseSends());

            assertThat(timedOut).as("events failed with LedgerTimeoutException").isEqualTo(events);
            assertThat(perEvent.getCount()).as("distinct events the server saw").isEqualTo(events);
            assertThat(perEvent.getMax()).as("most sends of any one event")
                    .isLessThanOrEqualTo((int) approximateBound(TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF))
                    .isLessThanOrEqualTo(worstCaseSends());
        }
    }

    /**
     * Polls {@code count} until it has not changed for {@value #STABLE_MS} ms (at most 5 s), so frames the client
     * already wrote are counted by the server's thread before the test compares.
     */
    private static int awaitStable(IntSupplier count) {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int last = count.getAsInt();
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < TimeUnit.MILLISECONDS.toNanos(STABLE_MS)
                && System.nanoTime() - giveUpAt < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            int now = count.getAsInt();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    /** The guarantee from the backoff itself: every jittered delay at its shortest. */
    private static int worstCaseSends() {
        return new Backoff(INITIAL_BACKOFF.toNanos(), MAX_BACKOFF.toNanos()).mostSendsWithin(TIMEOUT.toNanos());
    }

    private static Throwable failureOf(CompletableFuture<Receipt> f, Duration bound) throws Exception {
        try {
            f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
        }
    }
}
