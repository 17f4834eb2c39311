package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Decision;
import dev.ledger.proto.Outcome;
import dev.ledger.proto.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wait of one Submit for its decisions, on plain objects: no Kafka, no channel. */
class AwaitedDecisionsTest {

    private final DecisionRouter router = new DecisionRouter();
    private final List<AwaitedDecisions> completed = new ArrayList<>();

    private AwaitedDecisions awaiting(String... ids) {
        AwaitedDecisions a = new AwaitedDecisions(9, ids.length, completed::add);
        for (int i = 0; i < ids.length; i++) {
            a.register(i, ids[i], router);
        }
        return a;
    }

    private static Decision applied(String id) {
        return Decision.newBuilder().setEventId(id).setOutcome(Outcome.OUTCOME_APPLIED).build();
    }

    private static Decision rejected(String id) {
        return Decision.newBuilder().setEventId(id).setOutcome(Outcome.OUTCOME_REJECTED)
                .setReasonCode(ReasonCode.REASON_INSUFFICIENT_FUNDS).build();
    }

    @Test
    void completesOnlyOnceEveryAcceptedEventIsDecidedAndTheAckIsWritten() {
        AwaitedDecisions a = awaiting("a", "b");
        assertThat(router.deliver(applied("a"))).isTrue();
        assertThat(router.deliver(rejected("b"))).isTrue();
        assertThat(completed).as("not before the Ack").isEmpty();
        a.ackWritten(new boolean[] {true, true});
        assertThat(completed).containsExactly(a);
        assertThat(a.finish(router)).extracting(Decision::getOutcome)
                .containsExactly(Outcome.OUTCOME_APPLIED, Outcome.OUTCOME_REJECTED);
        assertThat(router.size()).as("finish unregisters").isZero();
    }

    @Test
    void anEventNotAcceptedIsNotAwaitedAndNotInTheFrame() {
        AwaitedDecisions a = awaiting("a", "invalid", "c");
        a.ackWritten(new boolean[] {true, false, true});
        router.deliver(applied("c"));
        assertThat(completed).isEmpty();
        router.deliver(applied("a"));
        assertThat(completed).containsExactly(a);
        assertThat(a.finish(router)).extracting(Decision::getEventId).containsExactly("a", "c");
    }

    @Test
    void aSubmitWithNothingAcceptedCompletesAtItsAckWithAnEmptyFrame() {
        AwaitedDecisions a = awaiting("x");
        a.ackWritten(new boolean[] {false});
        assertThat(completed).containsExactly(a);
        assertThat(a.finish(router)).isEmpty();
    }

    @Test
    void theFirstDecisionWinsAndLaterOnesAreIgnored() {
        AwaitedDecisions a = awaiting("a");
        router.deliver(rejected("a"));
        router.deliver(applied("a").toBuilder().setDuplicate(true).build());
        a.ackWritten(new boolean[] {true});
        assertThat(completed).hasSize(1);
        assertThat(a.finish(router).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
    }

    @Test
    void expiryFillsOnlyTheUndecidedWithDecisionPending() {
        AwaitedDecisions a = awaiting("a", "b");
        router.deliver(applied("a"));
        a.expire("too slow");
        assertThat(completed).as("still waits for its Ack").isEmpty();
        a.ackWritten(new boolean[] {true, true});
        List<Decision> frame = a.finish(router);
        assertThat(frame.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(frame.get(1).getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
        assertThat(frame.get(1).getEventId()).isEqualTo("b");
        assertThat(frame.get(1).getReason()).isEqualTo("too slow");
        router.deliver(applied("b"));
        assertThat(completed).as("a late decision changes nothing").hasSize(1);
    }

    @Test
    void finishIsOnceAndADroppedWaitIsNotDeliveredTo() {
        AwaitedDecisions a = awaiting("a");
        assertThat(a.finish(router)).isEmpty();
        assertThat(a.finish(router)).isNull();
        assertThat(router.deliver(applied("a"))).as("unregistered").isFalse();
    }

    @Test
    void twoWaitersOfOneIdBothGetItsDecisionAndLeaveIndependently() {
        AwaitedDecisions first = awaiting("same");
        AwaitedDecisions second = awaiting("same", "other");
        first.ackWritten(new boolean[] {true});
        second.ackWritten(new boolean[] {true, true});
        router.deliver(applied("same"));
        assertThat(completed).containsExactly(first);
        first.finish(router);
        assertThat(router.size()).isEqualTo(2);
        router.deliver(applied("other"));
        assertThat(completed).containsExactly(first, second);
        assertThat(second.finish(router)).extracting(Decision::getEventId).containsExactly("same", "other");
        assertThat(router.size()).isZero();
    }

    @Test
    void anIdRepeatedWithinASubmitIsRegisteredOnceAndOneDecisionAnswersEveryCopy() {
        AwaitedDecisions a = awaiting("dup", "x", "dup", "dup");
        assertThat(router.size()).isEqualTo(2);
        a.ackWritten(new boolean[] {true, true, true, true});
        router.deliver(applied("dup"));
        assertThat(completed).isEmpty();
        router.deliver(applied("x"));
        assertThat(completed).containsExactly(a);
        assertThat(a.finish(router)).extracting(Decision::getEventId).containsExactly("dup", "x", "dup", "dup");
        assertThat(router.size()).isZero();
    }

    @Test
    void waitsForOneIdAreCappedAndTheRefusedOneIsAnsweredPendingAtOnce() {
        List<AwaitedDecisions> submits = new ArrayList<>();
        for (int i = 0; i < DecisionRouter.MAX_WAITERS_PER_EVENT_ID + 1; i++) {
            AwaitedDecisions a = awaiting("hot");
            a.ackWritten(new boolean[] {true});
            submits.add(a);
        }
        AwaitedDecisions refused = submits.get(submits.size() - 1);
        assertThat(completed).containsExactly(refused);
        assertThat(refused.finish(router).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
        router.deliver(applied("hot"));
        assertThat(completed).hasSize(DecisionRouter.MAX_WAITERS_PER_EVENT_ID + 1);
        for (AwaitedDecisions a : submits.subList(0, submits.size() - 1)) {
            assertThat(a.finish(router).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        }
        assertThat(router.size()).isZero();
    }
}
