package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
import dev.ledger.server.kafka.EventResults;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The results of one Submit on plain objects: each event answered exactly once, the first result winning, the Ack
 * handed on exactly once when the last slot fills, and the ack timeout answering only what is still open.
 */
class PendingSubmitTest {

    private final List<PendingSubmit> completed = new ArrayList<>();

    private PendingSubmit pending(long requestId, String... eventIds) {
        PendingSubmit p = new PendingSubmit(requestId, eventIds.length, completed::add);
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
        PendingSubmit p = new PendingSubmit(1, 1, completed::add);
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
    void theAckIsMarkedWrittenOnceAndThatCancelsTheAckTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel();
        PendingSubmit p = pending(1, "a");
        ScheduledFuture<?> timeout = channel.eventLoop().schedule(() -> { }, 1, TimeUnit.HOURS);
        p.timeout(timeout);

        assertThat(p.markAnswered()).isTrue();
        assertThat(timeout.isCancelled()).isTrue();
        assertThat(p.markAnswered()).as("a second Ack for the same Submit").isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void aSubmitAnsweredBeforeItHadATimeoutIsMarkedOnce() {
        PendingSubmit p = pending(1, "a");
        p.complete(0, EventResults.accepted("a", 0, 1));
        assertThat(p.markAnswered()).isTrue();
        assertThat(p.markAnswered()).isFalse();
    }
}
