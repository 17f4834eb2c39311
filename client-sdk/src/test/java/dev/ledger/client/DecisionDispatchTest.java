package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.AccountBalance;
import dev.ledger.proto.Ack;
import dev.ledger.proto.Decisions;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import dev.ledger.proto.Status;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Events awaiting decisions, on plain objects: a real Dispatcher on a plain event loop with no connection, fed
 * Acks and Decisions frames by hand.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DecisionDispatchTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Endpoint FROM = new Endpoint("127.0.0.1", 1);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Recorder stats = new Recorder(Recorder.NO_LISTENER);
    private final Dispatcher dispatcher = new Dispatcher(loop, new ClientSettings(List.of(FROM), () -> "", "test", 100,
            5_000 * MS, 1_000 * MS, 0, 10, 10 * MS, 20 * MS, 1, null, Recorder.NO_LISTENER), stats);

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static PendingEvent awaiting(String id) {
        return new PendingEvent(id, ByteString.EMPTY, System.nanoTime() + 5_000 * MS, 1, PendingEvent.NO_BOOKKEEPING,
                true);
    }

    private static Ack accepted(String... ids) {
        Ack.Builder ack = Ack.newBuilder().setRequestId(1);
        for (String id : ids) {
            ack.addResults(EventResult.newBuilder().setEventId(id).setStatus(Status.STATUS_ACCEPTED).setPartition(0)
                    .setOffset(7));
        }
        return ack.build();
    }

    private static dev.ledger.proto.Decision decision(String id, Outcome outcome, ReasonCode reason) {
        return dev.ledger.proto.Decision.newBuilder().setEventId(id).setOutcome(outcome).setReasonCode(reason)
                .setMutationPartition(2).setMutationOffset(42)
                .addBalances(AccountBalance.newBuilder().setAccountId("alice").setBalanceMinor(-0)).build();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAcceptedEventWaitsForItsDecisionInsteadOfCompleting() throws Exception {
        PendingEvent e = awaiting("e-1");
        onLoop(() -> {
            dispatcher.onAck(List.of(e), accepted("e-1"), FROM);
            return null;
        });
        assertThat(e.decision).isNotDone();
        assertThat(e.future).as("the receipt future is not the caller's").isNotDone();
        assertThat(e.awaitingDecision).isTrue();
        assertThat(stats.snapshot(0).eventsRetried()).isZero();
    }

    @Test
    void aRejectionIsAnAnswerThatCompletesTheFutureNormally() throws Exception {
        PendingEvent applied = awaiting("a");
        PendingEvent rejected = awaiting("r");
        onLoop(() -> {
            dispatcher.onDecisions(List.of(applied, rejected), DecisionsFrame.of(Decisions.newBuilder().setRequestId(1)
                    .addDecisions(decision("r", Outcome.OUTCOME_REJECTED, ReasonCode.REASON_INSUFFICIENT_FUNDS))
                    .addDecisions(decision("a", Outcome.OUTCOME_APPLIED, ReasonCode.REASON_NONE)).build()), FROM);
            return null;
        });
        Decision r = rejected.decision.join();
        assertThat(r.rejected()).isTrue();
        assertThat(r.reasonCode()).isEqualTo(ReasonCode.REASON_INSUFFICIENT_FUNDS);
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(42);
        assertThat(applied.decision.join().applied()).as("matched by event id, not position").isTrue();
        assertThat(applied.decision.join().balances()).containsEntry("alice", 0L);
    }

    @Test
    void decisionPendingOrAMissingEntryResendsTheSameEvent() throws Exception {
        PendingEvent pending = awaiting("p");
        PendingEvent missing = awaiting("m");
        onLoop(() -> {
            dispatcher.onDecisions(List.of(pending, missing), DecisionsFrame.of(Decisions.newBuilder().setRequestId(1)
                    .addDecisions(decision("p", Outcome.OUTCOME_DECISION_PENDING, ReasonCode.REASON_NONE)
                            .toBuilder().setReason("core is slow")).build()), FROM);
            return null;
        });
        assertThat(pending.decision).isNotDone();
        assertThat(missing.decision).isNotDone();
        assertThat(stats.snapshot(0).eventsRetried()).isEqualTo(2);
        assertThat(pending.lastOutcome).contains("DECISION_PENDING").contains("core is slow");
        assertThat(missing.lastOutcome).contains("no decision for it");
    }

    @Test
    void aServerWithoutDecisionsFailsTheEventClearly() throws Exception {
        PendingEvent e = awaiting("e-1");
        onLoop(() -> {
            dispatcher.onAck(List.of(e), accepted("e-1"), FROM);
            dispatcher.onDecisionsUnsupported(List.of(e), FROM);
            return null;
        });
        assertThatThrownBy(e.decision::join).cause().isInstanceOf(LedgerRejectedException.class)
                .hasMessageContaining("does not return decisions");
    }

    @Test
    void aSubmitNeverMixesEventsThatAwaitDecisionsWithEventsThatDoNot() {
        ArrayDeque<PendingEvent> ready = new ArrayDeque<>();
        ready.add(awaiting("a1"));
        ready.add(awaiting("a2"));
        ready.add(new PendingEvent("plain", ByteString.EMPTY, Long.MAX_VALUE, 1, PendingEvent.NO_BOOKKEEPING));
        ready.add(awaiting("a3"));
        long now = System.nanoTime();
        assertThat(BatchBuilder.take(ready, 10, 1 << 20, now, e -> { }, e -> { }))
                .extracting(e -> e.eventId).containsExactly("a1", "a2");
        assertThat(BatchBuilder.take(ready, 10, 1 << 20, now, e -> { }, e -> { }))
                .extracting(e -> e.eventId).containsExactly("plain");
        assertThat(BatchBuilder.take(ready, 10, 1 << 20, now, e -> { }, e -> { }))
                .extracting(e -> e.eventId).containsExactly("a3");
    }
}
