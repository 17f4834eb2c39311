package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import dev.ledger.proto.ErrorCode;
import dev.ledger.proto.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour that needs no real server: endpoints are loopback ports with nothing listening, or a
 * {@link RefusingServer} that refuses every handshake.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerClientNoServerTest {

    private static LedgerClientBuilder deadClient(Duration requestTimeout) throws Exception {
        return LedgerClient.builder().endpoints(LedgerClientTest.deadEndpoint())
                .requestTimeout(requestTimeout).connectTimeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    @Test
    void submitAsyncAtMaxInFlightFailsFastWithBackpressure() throws Exception {
        try (LedgerClient client = deadClient(Duration.ofSeconds(5)).maxInFlightEvents(2).maxEventsPerBatch(2)
                .build()) {
            CompletableFuture<Receipt> first = client.submitAsync(Mutations.snapshot("1"));
            CompletableFuture<Receipt> second = client.submitAsync(Mutations.snapshot("2"));

            CompletableFuture<Receipt> third = client.submitAsync(Mutations.snapshot("3"));
            CompletableFuture<List<Receipt>> list = client.submitAsync(List.of(Mutations.snapshot("4")));

            assertThat(third).isCompletedExceptionally();
            assertThatThrownBy(third::join).cause().isInstanceOf(LedgerBackpressureException.class)
                    .hasMessageContaining("maxInFlightEvents");
            assertThatThrownBy(list::join).cause().isInstanceOf(LedgerBackpressureException.class);
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
        }
    }

    @Test
    void blockingSubmitWaitsForRoomUntilTheDeadline() throws Exception {
        try (LedgerClient client = deadClient(Duration.ofMillis(800)).maxInFlightEvents(1).maxEventsPerBatch(1)
                .build()) {
            CompletableFuture<Receipt> holder = client.submitAsync(Mutations.snapshot("holds the only slot"));
            long start = System.nanoTime();

            // The slot frees when the holder times out, so the blocking call gets room, then times out itself.
            assertThatThrownBy(() -> client.submit(Mutations.snapshot("waits")))
                    .isInstanceOf(LedgerTimeoutException.class);

            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
            assertThatThrownBy(holder::join).cause().isInstanceOf(LedgerTimeoutException.class);
        }
    }

    @Test
    void onlyADeadEndpointEndsInTimeoutWithinDeadlinePlusSlack() throws Exception {
        try (LedgerClient client = deadClient(Duration.ofMillis(500)).build()) {
            CompletableFuture<Receipt> future = client.submitAsync(Mutations.snapshot("nobody listens"));

            Throwable failure = assertFailsWithin(future, Duration.ofMillis(500 + 1_500));

            assertThat(failure).isInstanceOf(LedgerTimeoutException.class)
                    .hasMessageContaining("not accepted within 500 ms")
                    .hasMessageContaining("connect to 127.0.0.1");
        }
    }

    @Test
    void closeCompletesEveryPendingFutureAndRefusesLaterSubmits() throws Exception {
        LedgerClient client = deadClient(Duration.ofMillis(300)).build();
        List<CompletableFuture<Receipt>> futures = List.of(client.submitAsync(Mutations.snapshot("a")),
                client.submitAsync(Mutations.snapshot("b")));

        client.close();
        client.close(); // idempotent

        assertThat(futures).allSatisfy(f -> assertThatThrownBy(f::join).cause()
                .isInstanceOfAny(LedgerClosedException.class, LedgerTimeoutException.class));
        CompletableFuture<Receipt> late = client.submitAsync(Mutations.snapshot("late"));
        assertThatThrownBy(late::join).cause().isInstanceOf(LedgerClosedException.class);
        assertThatThrownBy(() -> client.submit(List.of(Mutations.snapshot("late"))))
                .isInstanceOf(LedgerClosedException.class);
    }

    @Test
    void closeFromAFutureCallbackDoesNotStallAndStillCompletesEveryFuture() throws Exception {
        LedgerClient client = deadClient(Duration.ofMillis(300)).build();
        CompletableFuture<Receipt> first = client.submitAsync(Mutations.snapshot("first"));
        CompletableFuture<Void> closedInCallback = first.handle((r, e) -> {
            client.close(); // runs on the client's deadline-timer thread
            return null;
        });
        CompletableFuture<Receipt> second = client.submitAsync(Mutations.snapshot("second"));

        closedInCallback.get(5, TimeUnit.SECONDS);

        assertThat(assertFailsWithin(second, Duration.ofSeconds(5)))
                .isInstanceOfAny(LedgerClosedException.class, LedgerTimeoutException.class);
        assertThatThrownBy(() -> client.submitAsync(Mutations.snapshot("late")).join()).cause()
                .isInstanceOf(LedgerClosedException.class);
    }

    @Test
    void badArgumentsThrowSynchronously() throws Exception {
        try (LedgerClient client = deadClient(Duration.ofSeconds(1)).maxInFlightEvents(3).maxEventsPerBatch(3)
                .build()) {
            assertThatThrownBy(() -> client.submitAsync((dev.ledger.proto.MutationEvent) null))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> client.submitAsync(List.of()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.submitAsync(List.of(Mutations.snapshot("1"), Mutations.snapshot("2"),
                    Mutations.snapshot("3"), Mutations.snapshot("4"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..3");
        }
    }

    @Test
    void heldEventsStayWithinMaxInFlightWhileDeadlinesPassInAnOutage() throws Exception {
        int maxInFlight = 50;
        try (LedgerClient client = deadClient(Duration.ofMillis(200)).maxInFlightEvents(maxInFlight)
                .maxEventsPerBatch(10).build()) {
            AtomicInteger timedOut = new AtomicInteger();
            int maxHeld = 0;
            for (int i = 0; timedOut.get() < 10 * maxInFlight; i++) {
                CompletableFuture<Receipt> f = client.submitAsync(Mutations.snapshot("outage-" + i));
                f.whenComplete((r, e) -> {
                    if (e instanceof LedgerTimeoutException) {
                        timedOut.incrementAndGet();
                    }
                });
                if (f.isCompletedExceptionally()) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // backpressure: all permits held
                }
                if (i % 25 == 0) {
                    maxHeld = Math.max(maxHeld, client.core().heldEvents());
                }
            }

            // Ten times maxInFlight events expired unsent, yet the queues only ever held the live ones.
            assertThat(Math.max(maxHeld, client.core().heldEvents())).isLessThanOrEqualTo(maxInFlight);
        }
    }

    @Test
    void everyEndpointRefusingTheTokenRejectsEventsInsteadOfTimingOut() throws Exception {
        try (RefusingServer a = new RefusingServer(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
             RefusingServer b = new RefusingServer(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
             LedgerClient client = LedgerClient.builder().endpoints(a.endpoint(), b.endpoint())
                     .requestTimeout(Duration.ofSeconds(20)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                     .build()) {
            CompletableFuture<Receipt> early = client.submitAsync(Mutations.snapshot("early"));
            Throwable first = assertFailsWithin(early, Duration.ofSeconds(10));
            CompletableFuture<Receipt> late = client.submitAsync(Mutations.snapshot("after the refusals"));

            assertThat(List.of(first, assertFailsWithin(late, Duration.ofSeconds(10))))
                    .allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(LedgerRejectedException.class,
                            r -> assertThat(r.status()).isEqualTo(Status.STATUS_UNAUTHENTICATED)));
        }
    }

    @Test
    void oneEndpointRefusingTheTokenDoesNotRejectEventsAnotherEndpointMayTake() throws Exception {
        try (RefusingServer refusing = new RefusingServer(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
             LedgerClient client = LedgerClient.builder()
                     .endpoints(refusing.endpoint(), LedgerClientTest.deadEndpoint())
                     .requestTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofMillis(500))
                     .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build()) {
            CompletableFuture<Receipt> future = client.submitAsync(Mutations.snapshot("waits for the other endpoint"));

            assertThat(assertFailsWithin(future, Duration.ofSeconds(5))).isInstanceOf(LedgerTimeoutException.class);
        }
    }

    @Test
    void closeWhileTheIoThreadIsStuckInACallbackStillCompletesEveryFuture() throws Exception {
        LedgerClient client = deadClient(Duration.ofSeconds(1)).connectTimeout(Duration.ofMillis(200)).build();
        CountDownLatch unstick = new CountDownLatch(1);
        try {
            client.core().loop().execute(() -> awaitUninterruptibly(unstick)); // an application callback that hangs
            CompletableFuture<Receipt> first = client.submitAsync(Mutations.snapshot("first"));
            CompletableFuture<Void> closedInCallback = first.handle((r, e) -> {
                client.close(); // on the deadline thread: the sweep on the stuck I/O thread cannot finish
                return null;
            });
            Thread.sleep(600); // so the second's deadline comes after close has stopped the deadline timer
            CompletableFuture<Receipt> second = client.submitAsync(Mutations.snapshot("second"));

            closedInCallback.get(5, TimeUnit.SECONDS);

            assertThat(assertFailsWithin(second, Duration.ofSeconds(5))).isInstanceOf(LedgerClosedException.class);
        } finally {
            unstick.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: this stands for a callback that ignores interrupts
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static Throwable assertFailsWithin(CompletableFuture<?> future, Duration bound) throws Exception {
        try {
            future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("future completed normally");
    }
}
