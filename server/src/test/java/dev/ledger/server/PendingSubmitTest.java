package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import dev.ledger.server.kafka.EventResults;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The results of one Submit on plain objects: each event answered exactly once, the first result winning, the Ack
 * handed on exactly once when the last slot fills, and the ack timeout answering only what is still open.
 */
class PendingSubmitTest {

    private final List<PendingSubmit> completed = new ArrayList<>();

    /** A connection that only records which Submits were handed to it. */
    private final PendingSubmit.Target target = completed::add;

    private PendingSubmit pending(long requestId, String... eventIds) {
        PendingSubmit p = new PendingSubmit(requestId, eventIds.length, target);
        for (int i = 0; i < eventIds.length; i++) {
            p.eventId(i, eventIds[i]);
        }
        return p;
    }

    @Test
    void isHandedOnOnceTheLastEventHasItsResultWithResultsInSubmitOrder() {
        PendingSubmit p = pending(7, "a", "b", "c");
        p.complete(2, EventResults.accepted("c", 0, 30));
        p.complete(0, EventResults.accepted("a", 1, 10));
        assertThat(p.isComplete()).isFalse();
        assertThat(completed).isEmpty();

        p.complete(1, EventResults.of("b", Status.STATUS_INVALID, "bad"));

        assertThat(p.isComplete()).isTrue();
        assertThat(completed).containsExactly(p);
        assertThat(p.requestId()).isEqualTo(7);
        assertThat(p.eventCount()).isEqualTo(3);
        assertThat(p.results()).extracting(EventResult::getEventId).containsExactly("a", "b", "c");
        assertThat(p.results()).extracting(EventResult::getStatus)
                .containsExactly(Status.STATUS_ACCEPTED, Status.STATUS_INVALID, Status.STATUS_ACCEPTED);
    }

    @Test
    void theFirstResultOfAnEventWinsAndALateOneCountsForNothing() {
        PendingSubmit p = pending(1, "a", "b");
        p.complete(0, EventResults.of("a", Status.STATUS_UNAVAILABLE, "ack timeout"));
        p.complete(0, EventResults.accepted("a", 0, 5)); // Kafka's answer after the timeout answered it
        assertThat(p.isComplete()).as("event b still open").isFalse();
        assertThat(completed).isEmpty();

        p.complete(1, EventResults.accepted("b", 0, 6));
        p.complete(1, EventResults.accepted("b", 0, 7));

        assertThat(completed).as("handed on once").hasSize(1);
        assertThat(p.results().get(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(p.results().get(1).getOffset()).isEqualTo(6);
    }

    @Test
    void expiryAnswersOnlyTheEventsStillOpenWithTheirIds() {
        PendingSubmit p = pending(1, "a", "b", "c");
        p.complete(1, EventResults.accepted("b", 2, 9));

        p.expire(Status.STATUS_UNAVAILABLE, "not acknowledged in time");

        assertThat(completed).containsExactly(p);
        List<EventResult> results = p.results();
        assertThat(results).extracting(EventResult::getEventId).containsExactly("a", "b", "c");
        assertThat(results).extracting(EventResult::getStatus)
                .containsExactly(Status.STATUS_UNAVAILABLE, Status.STATUS_ACCEPTED, Status.STATUS_UNAVAILABLE);
        assertThat(results.get(0).getReason()).isEqualTo("not acknowledged in time");
        assertThat(results.get(1).getOffset()).isEqualTo(9);
    }

    @Test
    void expiryNamesAnEventWhoseIdWasNeverReadWithAnEmptyId() {
        PendingSubmit p = new PendingSubmit(1, 1, target);
        p.expire(Status.STATUS_UNAVAILABLE, "server shut down");
        assertThat(p.results().get(0).getEventId()).isEmpty();
        assertThat(completed).hasSize(1);
    }

    @Test
    void expiryOfACompleteSubmitChangesNothing() {
        PendingSubmit p = pending(1, "a");
        p.complete(0, EventResults.accepted("a", 0, 1));
        p.expire(Status.STATUS_UNAVAILABLE, "late");
        assertThat(completed).hasSize(1);
        assertThat(p.results().get(0).getStatus()).isEqualTo(Status.STATUS_ACCEPTED);
    }

    @Test
    void anAcceptedResultIsKeptWithoutAResultObjectAndARejectionWithItsReason() {
        PendingSubmit p = pending(3, "a", "b");
        p.accepted(0, "a", 4, 44);
        p.complete(1, EventResults.of("b", Status.STATUS_PERMISSION_DENIED, "not yours"));
        assertThat(completed).containsExactly(p);
        assertThat(p.statusNumbers()).containsExactly(Status.STATUS_ACCEPTED_VALUE, Status.STATUS_PERMISSION_DENIED_VALUE);
        assertThat(p.partition(0)).isEqualTo(4);
        assertThat(p.offset(0)).isEqualTo(44);
        assertThat(p.reason(0)).isEmpty();
        assertThat(p.partition(1)).isZero();
        assertThat(p.reason(1)).isEqualTo("not yours");
    }

    @Test
    void aResultWithoutAStatusIsRefused() {
        PendingSubmit p = pending(1, "a");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> p.complete(0, EventResult.newBuilder().setEventId("a").build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(p.isComplete()).isFalse();
    }

    @Test
    void aSubmitAnsweredBeforeItHadATimeoutIsMarkedOnce() {
        PendingSubmit p = pending(1, "a");
        p.complete(0, EventResults.accepted("a", 0, 1));
        assertThat(p.markAnswered()).isTrue();
        assertThat(p.markAnswered()).isFalse();
    }

    @Test
    void anIdGivenAsBytesOfTheReceivedEventIsEncodedFromThemAndReadAsAStringOnlyOnRequest() {
        byte[] event = "..évt-1..".getBytes(StandardCharsets.UTF_8);
        PendingSubmit p = new PendingSubmit(3, 2, target);
        p.eventIdBytes(0, event, 2, 6); // "évt-1" is 6 bytes of UTF-8
        p.eventId(1, "b");

        assertThat(p.eventIdBuffer(0)).isSameAs(event);
        assertThat(p.eventIdOffset(0)).isEqualTo(2);
        assertThat(p.eventIdLength(0)).isEqualTo(6);
        assertThat(p.eventIdBuffer(1)).as("a String id is encoded from the String").isNull();
        assertThat(p.eventId(0)).isEqualTo("évt-1");
        assertThat(p.eventId(1)).isEqualTo("b");

        p.complete(0, EventResults.accepted("évt-1", 0, 1));
        p.complete(1, EventResults.accepted("b", 0, 2));
        assertThat(p.results()).extracting(EventResult::getEventId).containsExactly("évt-1", "b");
    }
}
