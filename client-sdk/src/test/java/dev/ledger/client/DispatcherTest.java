package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.Ack;
import dev.ledger.proto.ErrorCode;
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
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Dispatcher dispatcher(long initialBackoffNanos, long maxBackoffNanos) {
        return dispatcher(100, initialBackoffNanos, maxBackoffNanos);
    }

    private ClientSettings settings(int maxInFlightEvents, long initialBackoffNanos, long maxBackoffNanos) {
        return new ClientSettings(List.of(FROM), () -> "", "test", maxInFlightEvents, 5_000 * MS, 1_000 * MS, 0,
                10, initialBackoffNanos, maxBackoffNanos, 1, null, Recorder.NO_LISTENER);
    }

    private Dispatcher dispatcher(int maxInFlightEvents, long initialBackoffNanos, long maxBackoffNanos) {
        return new Dispatcher(loop, settings(maxInFlightEvents, initialBackoffNanos, maxBackoffNanos), stats);
    }

    /** A slot that never connects (nobody calls connect()): it only stands for an endpoint and its refusal. */
    private ConnectionSlot slot(Dispatcher dispatcher) {
        ConnectionSlot slot = new ConnectionSlot(FROM, new io.netty.bootstrap.Bootstrap(), dispatcher,
                settings(100, 50 * MS, 100 * MS), stats);
        dispatcher.addSlot(slot);
        return slot;
    }

    private static PendingEvent event(String id, long deadlineNanos) {
        return new PendingEvent(id, ByteString.EMPTY, deadlineNanos, 1, PendingEvent.NO_BOOKKEEPING);
    }

    private static PendingEvent settled(String id) {
        PendingEvent e = event(id, System.nanoTime() + 60_000 * MS);
        e.fail(new LedgerClosedException("settled by the test"));
        return e;
    }

    private static EventResult result(String id, Status status) {
        return EventResult.newBuilder().setEventId(id).setStatus(status).setOffset(7).setReason("r").build();
    }

    private static dev.ledger.proto.Error error(ErrorCode code) {
        return dev.ledger.proto.Error.newBuilder().setCode(code).setMessage("refused").build();
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
        assertThat(stats.snapshot(0).eventsRetried()).isZero();
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
        assertThat(stats.snapshot(0).eventsRetried()).isZero();
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
        assertThat(stats.snapshot(0).eventsRetried()).isEqualTo(1);
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
    @Test
    void ackResultsOutOfOrderAreMatchedByEventId() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        long later = System.nanoTime() + 60_000 * MS;
        PendingEvent a = event("a", later);
        PendingEvent b = event("b", later);
        Ack ack = Ack.newBuilder().setRequestId(1).addResults(result("b", Status.STATUS_INVALID))
                .addResults(result("a", Status.STATUS_ACCEPTED)).build();

        onLoop(() -> {
            dispatcher.onAck(List.of(a, b), ack, FROM);
            return null;
        });

        assertThat(a.future.join().eventId()).isEqualTo("a");
        assertThatThrownBy(b.future::join).cause().isInstanceOf(LedgerRejectedException.class);
    }

    @Test
    void anEventTheAckLeavesOutIsResentNotLost() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        long later = System.nanoTime() + 60_000 * MS;
        PendingEvent a = event("a", later);
        PendingEvent b = event("b", later);
        PendingEvent c = event("c", later);
        Ack ack = Ack.newBuilder().setRequestId(1).addResults(result("a", Status.STATUS_ACCEPTED))
                .addResults(result("x", Status.STATUS_ACCEPTED)).build();

        int held = onLoop(() -> {
            dispatcher.onAck(List.of(a, b, c), ack, FROM);
            return dispatcher.heldEvents();
        });

        assertThat(a.future).isCompleted();
        assertThat(b.future).as("a result for another id is not b's").isNotDone();
        assertThat(held).isEqualTo(2);
        assertThat(b.lastOutcome).contains("no result for it in the Ack from 127.0.0.1:1");
        assertThat(c.lastOutcome).contains("no result for it");
    }

    @Test
    void anEventAlreadySettledIsNotTouchedByItsAck() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        PendingEvent done = settled("e-1");

        int held = onLoop(() -> {
            dispatcher.onAck(List.of(done), unavailable(), FROM);
            return dispatcher.heldEvents();
        });

        assertThat(held).isZero();
        assertThat(done.attempts).isZero();
        assertThat(done.lastOutcome).isNull();
    }

    @Test
    void aLostConnectionResendsItsUnsettledEventsOnly() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        PendingEvent live = event("live", System.nanoTime() + 60_000 * MS);
        PendingEvent done = settled("done");

        int held = onLoop(() -> {
            dispatcher.onConnectionLost(List.of(live, done), "connection reset");
            return dispatcher.heldEvents();
        });

        assertThat(held).isEqualTo(1);
        assertThat(live.lastOutcome).isEqualTo("sent, then connection reset");
        assertThat(done.lastOutcome).isNull();
    }

    @Test
    void settledEventsArePrunedOnlyOnceTheQueuePassesTheInFlightBound() throws Exception {
        Dispatcher dispatcher = dispatcher(2, 50 * MS, 100 * MS);
        long later = System.nanoTime() + 60_000 * MS;

        int atBound = onLoop(() -> {
            dispatcher.enqueue(List.of(settled("d1"), event("l1", later)));
            return dispatcher.heldEvents();
        });
        assertThat(atBound).as("exactly the bound: nothing to do").isEqualTo(2);

        int past = onLoop(() -> {
            dispatcher.enqueue(List.of(event("l2", later)));
            return dispatcher.heldEvents();
        });
        assertThat(past).as("the settled head is dropped").isEqualTo(2);
    }

    @Test
    void settledEventsBehindALiveOneArePrunedToo() throws Exception {
        Dispatcher dispatcher = dispatcher(2, 50 * MS, 100 * MS);
        long later = System.nanoTime() + 60_000 * MS;
        PendingEvent live = event("l1", later);

        List<PendingEvent> left = onLoop(() -> {
            dispatcher.enqueue(List.of(live, settled("d1"), settled("d2")));
            return dispatcher.takeAll();
        });

        assertThat(left).containsExactly(live);
    }

    @Test
    void whenEveryEndpointRefusesTheHandshakeEverythingHeldFailsWithTheRefusal() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        ConnectionSlot first = slot(dispatcher);
        ConnectionSlot second = slot(dispatcher);
        PendingEvent queued = event("q", System.nanoTime() + 60_000 * MS);
        PendingEvent resending = event("r", System.nanoTime() + 60_000 * MS);

        onLoop(() -> {
            dispatcher.enqueue(List.of(queued));
            dispatcher.onConnectionLost(List.of(resending), "reset");
            dispatcher.onServerError(first, error(ErrorCode.ERROR_CODE_UNAUTHENTICATED), "bad token at first");
            return null;
        });
        assertThat(queued.future).as("one endpoint still may take it").isNotDone();
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("bad token at first");

        int held = onLoop(() -> {
            dispatcher.onServerError(second, error(ErrorCode.ERROR_CODE_UNAUTHENTICATED), "bad token at second");
            return dispatcher.heldEvents();
        });

        assertThat(held).isZero();
        for (PendingEvent e : List.of(queued, resending)) {
            assertThatThrownBy(e.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                    .hasMessageContaining("bad token at first");
            assertThat(((LedgerRejectedException) e.future.handle((r, t) -> t).join()).status())
                    .isEqualTo(Status.STATUS_UNAUTHENTICATED);
        }

        PendingEvent after = event("after", System.nanoTime() + 60_000 * MS);
        onLoop(() -> {
            dispatcher.enqueue(List.of(after));
            dispatcher.dispatch();
            return null;
        });
        assertThatThrownBy(after.future::join).cause().isInstanceOf(LedgerRejectedException.class);
    }

    @Test
    void anUnsupportedVersionIsARefusalWithoutAStatusOfItsOwn() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        ConnectionSlot only = slot(dispatcher);
        PendingEvent queued = event("q", System.nanoTime() + 60_000 * MS);
        onLoop(() -> {
            dispatcher.enqueue(List.of(queued));
            dispatcher.onServerError(only, error(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION), "version 1 unknown");
            return null;
        });
        assertThat(only.refusedStatus()).isEqualTo(Status.STATUS_UNSPECIFIED);
        assertThatThrownBy(queued.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("version 1 unknown");
    }

    @Test
    void otherServerErrorsOnlyEndTheConnection() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        ConnectionSlot only = slot(dispatcher);
        PendingEvent queued = event("q", System.nanoTime() + 60_000 * MS);
        onLoop(() -> {
            dispatcher.enqueue(List.of(queued));
            dispatcher.onServerError(only, error(ErrorCode.ERROR_CODE_INTERNAL), "internal");
            dispatcher.dispatch();
            return null;
        });
        assertThat(only.refusedStatus()).isNull();
        assertThat(queued.future).isNotDone();
    }

    @Test
    void takeAllReturnsQueuedAndBackingOffEventsAndLeavesNothing() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        PendingEvent queued = event("q", System.nanoTime() + 60_000 * MS);
        PendingEvent resending = event("r", System.nanoTime() + 60_000 * MS);
        slot(dispatcher);
        List<PendingEvent> all = onLoop(() -> {
            dispatcher.enqueue(List.of(queued));
            dispatcher.onConnectionLost(List.of(resending), "reset");
            return dispatcher.takeAll();
        });
        assertThat(all).containsExactlyInAnyOrder(queued, resending);
        assertThat(onLoop(dispatcher::heldEvents)).isZero();
    }

    @Test
    void settledEventsBehindALiveOneStayWhenTrimmingTheHeadReachedTheBound() throws Exception {
        Dispatcher dispatcher = dispatcher(2, 50 * MS, 100 * MS);
        long later = System.nanoTime() + 60_000 * MS;

        int held = onLoop(() -> {
            dispatcher.enqueue(List.of(settled("d1"), event("l1", later), settled("d2")));
            return dispatcher.heldEvents();
        });

        assertThat(held).as("the settled head is dropped; back at the bound, no full pass").isEqualTo(2);
    }

    @Test
    void aTlsRefusalOfEveryEndpointFailsEverythingHeldAtOnce() throws Exception {
        Dispatcher dispatcher = dispatcher(50 * MS, 100 * MS);
        ConnectionSlot only = slot(dispatcher);
        PendingEvent queued = event("q", System.nanoTime() + 60_000 * MS);

        onLoop(() -> {
            dispatcher.enqueue(List.of(queued));
            dispatcher.onRefused(only, "certificate of 127.0.0.1:1 expired");
            return null;
        });

        assertThat(only.refusedStatus()).isEqualTo(Status.STATUS_UNAUTHENTICATED);
        assertThat(dispatcher.lastConnectionProblem()).isEqualTo("certificate of 127.0.0.1:1 expired");
        assertThatThrownBy(queued.future::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("certificate of 127.0.0.1:1 expired");
    }
}
