package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingEventTest {

    private static PendingEvent pending() {
        return new PendingEvent("e-1", ByteString.EMPTY, System.nanoTime(), 1, PendingEvent.NO_BOOKKEEPING);
    }

    private static EventResult result(Status status) {
        return EventResult.newBuilder().setEventId("e-1").setStatus(status).build();
    }

    @Test
    void unspecifiedStatusFailsAtOnceAsAProtocolError() {
        PendingEvent event = pending();

        assertThat(event.completeFinal(result(Status.STATUS_UNSPECIFIED))).isTrue();

        assertThatThrownBy(event.future::join).cause().isInstanceOfSatisfying(LedgerRejectedException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.STATUS_UNSPECIFIED);
            assertThat(e.reason()).contains("unspecified status");
        });
    }

    @Test
    void unavailableStaysPendingForARetry() {
        PendingEvent event = pending();

        assertThat(event.completeFinal(result(Status.STATUS_UNAVAILABLE))).isFalse();

        assertThat(event.future).isNotDone();
        assertThat(event.lastOutcome).contains("STATUS_UNAVAILABLE");
    }

    @Test
    void anAcceptedEventAwaitingItsDecisionNamesWhereItIsStoredWhenItTimesOut() {
        PendingEvent event = new PendingEvent("e-1", ByteString.EMPTY, System.nanoTime(), 1,
                PendingEvent.NO_BOOKKEEPING, true);

        assertThat(event.completeFinal(result(Status.STATUS_ACCEPTED).toBuilder().setPartition(3).setOffset(42)
                .build())).isTrue();
        assertThat(event.lastOutcome()).isEqualTo("ACCEPTED at 3@42, decision awaited");
        event.expire(5_000_000_000L, "none");

        assertThatThrownBy(event.decision::join).cause().isInstanceOf(LedgerTimeoutException.class)
                .hasMessageContaining("not decided within 5000 ms").hasMessageContaining("ACCEPTED at 3@42");
    }

    @Test
    void firstOutcomeWinsOverALaterOne() {
        PendingEvent event = pending();

        event.fail(new LedgerClosedException("closed"));
        event.completeFinal(result(Status.STATUS_ACCEPTED));

        assertThatThrownBy(event.future::join).cause().isInstanceOf(LedgerClosedException.class);
    }
    @Test
    void acceptedCompletesWithTheReceiptAndSettlesBeforeTheFutureCompletes() {
        List<String> order = new ArrayList<>();
        PendingEvent event = new PendingEvent("e-1", ByteString.EMPTY, System.nanoTime(), 1,
                (e, outcome, status) -> order.add("settled " + outcome + " " + status));
        event.future.thenRun(() -> order.add("future"));

        assertThat(event.completeFinal(EventResult.newBuilder().setEventId("e-1").setStatus(Status.STATUS_ACCEPTED)
                .setPartition(2).setOffset(99).build())).isTrue();

        Receipt receipt = event.future.join();
        assertThat(receipt.eventId()).isEqualTo("e-1");
        assertThat(receipt.status()).isEqualTo(Status.STATUS_ACCEPTED);
        assertThat(receipt.partition()).isEqualTo(2);
        assertThat(receipt.offset()).isEqualTo(99);
        assertThat(order).containsExactly("settled ACCEPTED STATUS_ACCEPTED", "future");
        assertThat(event.isDone()).isTrue();
    }

    @Test
    void invalidAndUnauthenticatedAreRejectionsWithTheServersReason() {
        for (Status status : new Status[] {Status.STATUS_INVALID, Status.STATUS_UNAUTHENTICATED}) {
            PendingEvent event = pending();
            assertThat(event.completeFinal(EventResult.newBuilder().setEventId("e-1").setStatus(status)
                    .setReason("transfer.amount_minor must be > 0: 0").build())).isTrue();
            assertThatThrownBy(event.future::join).cause().isInstanceOfSatisfying(LedgerRejectedException.class, e -> {
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.reason()).isEqualTo("transfer.amount_minor must be > 0: 0");
            });
        }
    }

    @Test
    void anUnspecifiedStatusCarriesTheServersReasonWhenItGaveOne() {
        PendingEvent quiet = pending();
        quiet.completeFinal(result(Status.STATUS_UNSPECIFIED));
        PendingEvent talkative = pending();
        talkative.completeFinal(EventResult.newBuilder().setEventId("e-1").setStatus(Status.STATUS_UNSPECIFIED)
                .setReason("bug").build());
        assertThatThrownBy(quiet.future::join).cause().isInstanceOfSatisfying(LedgerRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo("protocol error: the server sent an unspecified status"));
        assertThatThrownBy(talkative.future::join).cause().isInstanceOfSatisfying(LedgerRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo("protocol error: the server sent an unspecified status (bug)"));
    }

    @Test
    void theSettlerHearsTheOutcomeOfEachKindOfEnd() {
        List<String> settled = new ArrayList<>();
        PendingEvent.Settler settler = (e, outcome, status) -> settled.add(e.eventId + " " + outcome + " " + status);
        PendingEvent applied = new PendingEvent("applied", ByteString.EMPTY, Long.MAX_VALUE, 1, settler, true);
        PendingEvent declined = new PendingEvent("declined", ByteString.EMPTY, Long.MAX_VALUE, 1, settler, true);
        PendingEvent pendingDecision = new PendingEvent("pending", ByteString.EMPTY, Long.MAX_VALUE, 1, settler, true);
        PendingEvent invalid = new PendingEvent("invalid", ByteString.EMPTY, Long.MAX_VALUE, 1, settler);
        PendingEvent late = new PendingEvent("late", ByteString.EMPTY, Long.MAX_VALUE, 1, settler);

        applied.completeDecision(decision("applied", dev.ledger.proto.Outcome.OUTCOME_APPLIED));
        declined.completeDecision(decision("declined", dev.ledger.proto.Outcome.OUTCOME_REJECTED));
        assertThat(pendingDecision.completeDecision(decision("pending",
                dev.ledger.proto.Outcome.OUTCOME_DECISION_PENDING))).isFalse();
        invalid.completeFinal(EventResult.newBuilder().setEventId("invalid").setStatus(Status.STATUS_INVALID).build());
        late.expire(1, "none");

        assertThat(settled).containsExactly("applied DECISION_APPLIED STATUS_ACCEPTED",
                "declined DECISION_REJECTED STATUS_ACCEPTED", "invalid REJECTED STATUS_INVALID",
                "late TIMED_OUT STATUS_UNSPECIFIED");
    }

    private static DecisionsFrame.Entry decision(String id, dev.ledger.proto.Outcome outcome) {
        return DecisionsFrame.of(dev.ledger.proto.Decisions.newBuilder().addDecisions(
                dev.ledger.proto.Decision.newBuilder().setEventId(id).setOutcome(outcome)).build()).get(0);
    }

    @Test
    void theSettlerRunsOnceWhateverComesAfter() {
        List<EventOutcome> settled = new ArrayList<>();
        PendingEvent event = new PendingEvent("e-1", ByteString.EMPTY, System.nanoTime(), 1,
                (e, outcome, status) -> settled.add(outcome));
        event.completeFinal(result(Status.STATUS_ACCEPTED));
        event.completeFinal(result(Status.STATUS_ACCEPTED));
        event.fail(new LedgerClosedException("closed"));
        event.expire(1, "late");
        assertThat(settled).containsExactly(EventOutcome.ACCEPTED);
        assertThat(event.future.join().status()).isEqualTo(Status.STATUS_ACCEPTED);
    }

    @Test
    void expiryNamesTheTimeoutTheResendsAndTheLastOutcome() {
        PendingEvent event = pending();
        event.completeFinal(EventResult.newBuilder().setEventId("e-1").setStatus(Status.STATUS_OVERLOADED)
                .setReason("busy").build());
        event.attempts = 3;
        event.expire(2_500_000_000L, "connect refused");
        assertThatThrownBy(event.future::join).cause().isInstanceOf(LedgerTimeoutException.class)
                .hasMessage("event e-1 not accepted within 2500 ms (3 resends); last outcome: STATUS_OVERLOADED (busy)");
    }

    @Test
    void expiryOfAnEventNeverAnsweredNamesTheLastConnectionProblem() {
        PendingEvent event = pending();
        event.expire(1_000_000_000L, "connect to 127.0.0.1:1 failed");
        assertThatThrownBy(event.future::join).cause().isInstanceOf(LedgerTimeoutException.class)
                .hasMessageContaining("within 1000 ms (0 resends)")
                .hasMessageContaining("no answer yet").hasMessageContaining("connect to 127.0.0.1:1 failed");
    }

    @Test
    void theFirstOutcomeWinsEvenWhenTheSettlerSettlesAgainBeforeTheFutureCompletes() {
        PendingEvent[] self = new PendingEvent[1];
        int[] settlements = {0};
        self[0] = new PendingEvent("e-1", ByteString.EMPTY, System.nanoTime() + 60_000_000_000L, 1,
                (event, outcome, status) -> {
                    settlements[0]++;
                    event.fail(new LedgerClosedException("a second outcome, while the first is being settled"));
                });

        self[0].completeFinal(EventResult.newBuilder().setEventId("e-1")
                .setStatus(Status.STATUS_ACCEPTED).setOffset(3).build());

        assertThat(self[0].future.join().offset()).isEqualTo(3);
        assertThat(settlements[0]).isEqualTo(1);
    }
}
