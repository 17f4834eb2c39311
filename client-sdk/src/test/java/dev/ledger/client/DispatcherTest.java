package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import io.netty.channel.DefaultEventLoop;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Dispatcher's retry gate on plain objects: a real Dispatcher on a plain event loop with no connection, fed
 * Acks by hand. An event past its deadline or one whose backoff would outlast it is never put back for sending.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DispatcherTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Endpoint FROM = new Endpoint("127.0.0.1", 1);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final StatsCounters stats = new StatsCounters();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Dispatcher dispatcher(long initialBackoffNanos, long maxBackoffNanos) {
        ClientSettings settings = new ClientSettings(List.of(FROM), () -> "", "test", 100, 5_000 * MS, 1_000 * MS, 0,
                10, initialBackoffNanos, maxBackoffNanos, 1, null);
        return new Dispatcher(loop, settings, stats);
    }

    private static PendingEvent event(long deadlineNanos) {
        return new PendingEvent("e-1", ByteString.EMPTY, deadlineNanos, 1, PendingEvent.NO_BOOKKEEPING);
    }

    private static Ack unavailable() {
        return Ack.newBuilder().setRequestId(1).addResults(EventResult.newBuilder().setEventId("e-1")
                .setStatus(Status.STATUS_UNAVAILABLE).setReason("kafka down")).build();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    @Test
    void unavailablePastTheDeadlineFailsTheEventAtOnceAndHoldsNothing() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 2_000 * MS);
        PendingEvent late = event(System.nanoTime() - MS);

        int held = onLoop(() -> {
            dispatcher.onAck(List.of(late), unavailable(), FROM);
            return dispatcher.heldEvents();
        });

        assertThat(late.future).as("failed within the same Ack, not by a timer").isCompletedExceptionally();
        assertThatThrownBy(late.future::join).cause().isInstanceOf(LedgerTimeoutException.class)
                .hasMessageContaining("STATUS_UNAVAILABLE");
        assertThat(held).as("events held for a resend").isZero();
        assertThat(stats.snapshot().eventsRetried()).isZero();
    }

    @Test
    void unavailableWhenTheBackoffWouldOutlastTheDeadlineIsNotResent() throws Exception {
        // Far apart, so a slow event loop cannot carry the event past its deadline before the Ack is handled.
        Dispatcher dispatcher = dispatcher(20_000 * MS, 40_000 * MS);
        PendingEvent soon = event(System.nanoTime() + 10_000 * MS);

        int held = onLoop(() -> {
            dispatcher.onAck(List.of(soon), unavailable(), FROM);
            return dispatcher.heldEvents();
        });

        assertThat(held).as("events held for a resend that could not be answered in time").isZero();
        assertThat(soon.attempts).isZero();
        assertThat(stats.snapshot().eventsRetried()).isZero();
        assertThat(soon.future).as("left to its deadline timer").isNotDone();
    }

    @Test
    void unavailableWellBeforeTheDeadlineIsResentAfterTheBackoff() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        PendingEvent early = event(System.nanoTime() + 60_000 * MS);

        int held = onLoop(() -> {
            dispatcher.onAck(List.of(early), unavailable(), FROM);
            return dispatcher.heldEvents();
        });

        assertThat(held).isEqualTo(1);
        assertThat(early.attempts).isEqualTo(1);
        assertThat(stats.snapshot().eventsRetried()).isEqualTo(1);
        assertThat(early.future).isNotDone();
    }

    @Test
    void theDeadlineNeverShortensTheBackoff() {
        long now = 1_000 * MS;
        assertThat(Dispatcher.resendDelayNanos(100 * MS, now, now + 101 * MS)).isEqualTo(100 * MS);
        assertThat(Dispatcher.resendDelayNanos(100 * MS, now, now + 100 * MS)).isEqualTo(Dispatcher.NOT_IN_TIME);
        assertThat(Dispatcher.resendDelayNanos(100 * MS, now, now + 1)).isEqualTo(Dispatcher.NOT_IN_TIME);
        assertThat(Dispatcher.resendDelayNanos(100 * MS, now, now)).isEqualTo(Dispatcher.EXPIRED);
        assertThat(Dispatcher.resendDelayNanos(100 * MS, now, now - 1)).isEqualTo(Dispatcher.EXPIRED);
    }

    /**
     * One event against a server that answers UNAVAILABLE at once, in simulated time: every send is followed by a
     * retry decision. Whatever the jitter draws, the sends stay within the backoff's bound and the last one is
     * before the deadline.
     */
    @Test
    void sendsPerEventStayWithinTheBackoffBoundWhateverTheJitter() {
        long timeout = 5_000 * MS;
        Backoff backoff = new Backoff(50 * MS, 2_000 * MS);
        int bound = backoff.mostSendsWithin(timeout);
        Random random = new Random(15);
        int most = 0;
        for (int run = 0; run < 10_000; run++) {
            double floor = run == 0 ? 0.0 : -1; // the first run takes every delay at its shortest
            long now = 0;
            int sends = 0;
            int attempts = 0;
            while (true) {
                assertThat(now).as("a send at or after the deadline").isLessThan(timeout);
                sends++;
                long delay = Dispatcher.resendDelayNanos(
                        backoff.delayNanos(attempts, floor >= 0 ? floor : random.nextDouble()), now, timeout);
                if (delay < 0) {
                    break;
                }
                attempts++;
                now += delay;
            }
            assertThat(sends).isLessThanOrEqualTo(bound);
            most = Math.max(most, sends);
        }
        assertThat(most).as("the shortest delays reach the bound").isEqualTo(bound);
        assertThat(bound).as("log2(5 s / 50 ms) + 5 s / 2 s + 2 = 11.1").isLessThanOrEqualTo(11);
    }
}
