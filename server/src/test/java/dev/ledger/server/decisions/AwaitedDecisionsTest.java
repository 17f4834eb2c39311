package dev.ledger.server.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
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

    /** Hands the decision to the router as the reader does: its id and its bytes. */
    private boolean deliver(Decision decision) {
        return router.deliver(decision.getEventId(), decision.toByteArray());
    }

    private static List<Decision> decoded(List<byte[]> frame) {
        if (frame == null) {
            return null;
        }
        List<Decision> out = new ArrayList<>();
        for (byte[] bytes : frame) {
            try {
                out.add(Decision.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("a slot holds bytes that are not a Decision", e);
            }
        }
        return out;
    }

    @Test
    void completesOnlyOnceEveryAcceptedEventIsDecidedAndTheAckIsWritten() {
        AwaitedDecisions a = awaiting("a", "b");
        assertThat(deliver(applied("a"))).isTrue();
        assertThat(deliver(rejected("b"))).isTrue();
        assertThat(completed).as("not before the Ack").isEmpty();
        a.ackWritten(new boolean[] {true, true});
        assertThat(completed).containsExactly(a);
        assertThat(decoded(a.finish(router))).extracting(Decision::getOutcome)
                .containsExactly(Outcome.OUTCOME_APPLIED, Outcome.OUTCOME_REJECTED);
        assertThat(router.size()).as("finish unregisters").isZero();
    }

    @Test
    void anEventNotAcceptedIsNotAwaitedAndNotInTheFrame() {
        AwaitedDecisions a = awaiting("a", "invalid", "c");
        a.ackWritten(new boolean[] {true, false, true});
        deliver(applied("c"));
        assertThat(completed).isEmpty();
        deliver(applied("a"));
        assertThat(completed).containsExactly(a);
        assertThat(decoded(a.finish(router))).extracting(Decision::getEventId).containsExactly("a", "c");
    }

    @Test
    void aSubmitWithNothingAcceptedCompletesAtItsAckWithAnEmptyFrame() {
        AwaitedDecisions a = awaiting("x");
        a.ackWritten(new boolean[] {false});
        assertThat(completed).containsExactly(a);
        assertThat(decoded(a.finish(router))).isEmpty();
    }

    @Test
    void theFirstDecisionWinsAndLaterOnesAreIgnored() {
        AwaitedDecisions a = awaiting("a");
        deliver(rejected("a"));
        deliver(applied("a").toBuilder().setDuplicate(true).build());
        a.ackWritten(new boolean[] {true});
        assertThat(completed).hasSize(1);
        assertThat(decoded(a.finish(router)).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_REJECTED);
    }

    @Test
    void expiryFillsOnlyTheUndecidedWithDecisionPending() {
        AwaitedDecisions a = awaiting("a", "b");
        deliver(applied("a"));
        a.expire("too slow");
        assertThat(completed).as("still waits for its Ack").isEmpty();
        a.ackWritten(new boolean[] {true, true});
        List<Decision> frame = decoded(a.finish(router));
        assertThat(frame.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        assertThat(frame.get(1).getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
        assertThat(frame.get(1).getEventId()).isEqualTo("b");
        assertThat(frame.get(1).getReason()).isEqualTo("too slow");
        deliver(applied("b"));
        assertThat(completed).as("a late decision changes nothing").hasSize(1);
    }

    @Test
    void finishIsOnceAndADroppedWaitIsNotDeliveredTo() {
        AwaitedDecisions a = awaiting("a");
        assertThat(decoded(a.finish(router))).isEmpty();
        assertThat(decoded(a.finish(router))).isNull();
        assertThat(deliver(applied("a"))).as("unregistered").isFalse();
    }

    @Test
    void twoWaitersOfOneIdBothGetItsDecisionAndLeaveIndependently() {
        AwaitedDecisions first = awaiting("same");
        AwaitedDecisions second = awaiting("same", "other");
        first.ackWritten(new boolean[] {true});
        second.ackWritten(new boolean[] {true, true});
        deliver(applied("same"));
        assertThat(completed).containsExactly(first);
        assertThat(router.size()).as("a delivered id leaves the router with its waiters").isEqualTo(1);
        first.finish(router);
        assertThat(router.size()).isEqualTo(1);
        deliver(applied("other"));
        assertThat(completed).containsExactly(first, second);
        assertThat(decoded(second.finish(router))).extracting(Decision::getEventId).containsExactly("same", "other");
        assertThat(router.size()).isZero();
    }

    @Test
    void anIdRepeatedWithinASubmitIsRegisteredOnceAndOneDecisionAnswersEveryCopy() {
        AwaitedDecisions a = awaiting("dup", "x", "dup", "dup");
        assertThat(router.size()).isEqualTo(2);
        a.ackWritten(new boolean[] {true, true, true, true});
        deliver(applied("dup"));
        assertThat(completed).isEmpty();
        deliver(applied("x"));
        assertThat(completed).containsExactly(a);
        assertThat(decoded(a.finish(router))).extracting(Decision::getEventId)
                .containsExactly("dup", "x", "dup", "dup");
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
        assertThat(decoded(refused.finish(router)).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
        deliver(applied("hot"));
        assertThat(completed).hasSize(DecisionRouter.MAX_WAITERS_PER_EVENT_ID + 1);
        for (AwaitedDecisions a : submits.subList(0, submits.size() - 1)) {
            assertThat(decoded(a.finish(router)).get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
        }
        assertThat(router.size()).isZero();
    }

    @Test
    void theJournalsBytesGoToTheFrameAsTheyAre() {
        AwaitedDecisions a = awaiting("a", "a");
        byte[] journal = applied("a").toByteArray();
        assertThat(router.deliver("a", journal)).isTrue();
        a.ackWritten(new boolean[] {true, true});
        List<byte[]> frame = a.finish(router);
        assertThat(frame).hasSize(2);
        assertThat(frame.get(0)).as("not parsed and re-encoded").isSameAs(journal);
        assertThat(frame.get(1)).as("the copy gets the one decision").isSameAs(journal);
    }

    /**
     * A decision about an earlier record of the id (another Submit's) can arrive while this Submit registers its
     * copies: the first slot has its answer and the id has left the router, so the later copies wait afresh, as one,
     * for the next decision of the id (their own record's).
     */
    @Test
    void copiesRegisteredAfterTheirIdWasDecidedWaitTogetherForItsNextDecision() {
        AwaitedDecisions a = new AwaitedDecisions(9, 3, completed::add);
        a.register(0, "early", router);
        deliver(rejected("early"));
        a.register(1, "early", router);
        a.register(2, "early", router);
        assertThat(router.size()).isEqualTo(1);
        a.ackWritten(new boolean[] {true, true, true});
        assertThat(completed).isEmpty();
        Decision duplicate = rejected("early").toBuilder().setDuplicate(true).build();
        assertThat(deliver(duplicate)).isTrue();
        assertThat(completed).containsExactly(a);
        assertThat(decoded(a.finish(router))).extracting(Decision::getDuplicate).containsExactly(false, true, true);
        assertThat(router.size()).isZero();
    }

    @Test
    void copiesOfARefusedIdAreAllAnsweredPendingEvenIfRoomAppearsMeanwhile() {
        List<AwaitedDecisions> others = new ArrayList<>();
        for (int i = 0; i < DecisionRouter.MAX_WAITERS_PER_EVENT_ID; i++) {
            others.add(awaiting("hot"));
        }
        AwaitedDecisions a = new AwaitedDecisions(9, 3, completed::add);
        a.register(0, "hot", router);
        others.get(0).finish(router); // room for one more waiter now
        a.register(1, "cold", router);
        a.register(2, "hot", router);
        a.ackWritten(new boolean[] {true, true, true});
        deliver(applied("hot"));
        deliver(applied("cold"));
        assertThat(completed).containsExactly(a);
        List<Decision> frame = decoded(a.finish(router));
        assertThat(frame.get(0).getOutcome()).isEqualTo(Outcome.OUTCOME_DECISION_PENDING);
        assertThat(frame.get(2)).as("the copy joins its refused first").isEqualTo(frame.get(0));
        assertThat(frame.get(1).getOutcome()).isEqualTo(Outcome.OUTCOME_APPLIED);
    }

    @Test
    void copiesOfAnIdInASubmitKeepOneWaiterInTheRouter() {
        AwaitedDecisions other = awaiting("shared");
        AwaitedDecisions a = awaiting("shared", "shared", "shared");
        assertThat(router.size()).isEqualTo(1);
        a.finish(router);
        assertThat(deliver(applied("shared"))).as("the other Submit still waits").isTrue();
        other.ackWritten(new boolean[] {true});
        assertThat(completed).containsExactly(other);
        other.finish(router);
        assertThat(router.size()).isZero();
    }
}
