package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBuilderTest {

    private static final long NOW = 1_000_000;

    private final List<PendingEvent> oversize = new ArrayList<>();
    private final List<PendingEvent> expired = new ArrayList<>();

    private static PendingEvent event(String id, int bytes, int groupSize) {
        return event(id, bytes, groupSize, Long.MAX_VALUE);
    }

    private static PendingEvent event(String id, int bytes, int groupSize, long deadlineNanos) {
        return new PendingEvent(id, ByteString.copyFrom(new byte[bytes]), deadlineNanos, groupSize,
                PendingEvent.NO_BOOKKEEPING);
    }

    private static ArrayDeque<PendingEvent> queue(PendingEvent... events) {
        return new ArrayDeque<>(List.of(events));
    }

    @Test
    void batchStopsAtMaxEvents() {
        ArrayDeque<PendingEvent> ready = queue(event("a", 10, 1), event("b", 10, 1), event("c", 10, 1));

        List<PendingEvent> batch = BatchBuilder.take(ready, 2, 1_000, NOW, expired::add, oversize::add);

        assertThat(batch).extracting(e -> e.eventId).containsExactly("a", "b");
        assertThat(ready).hasSize(1);
    }

    @Test
    void batchStopsBeforeExceedingTheFrameLimit() {
        ArrayDeque<PendingEvent> ready = queue(event("a", 100, 1), event("b", 100, 1), event("c", 100, 1));
        int frame = BatchBuilder.FRAME_OVERHEAD_BYTES + 2 * BatchBuilder.encodedSize(ready.peek());

        List<PendingEvent> batch = BatchBuilder.take(ready, 100, frame, NOW, expired::add, oversize::add);

        assertThat(batch).extracting(e -> e.eventId).containsExactly("a", "b");
    }

    @Test
    void eventThatFitsNoFrameIsHandedToTheOversizeCallback() {
        ArrayDeque<PendingEvent> ready = queue(event("huge", 5_000, 1), event("small", 10, 1));

        List<PendingEvent> batch = BatchBuilder.take(ready, 100, 1_000, NOW, expired::add, oversize::add);

        assertThat(batch).extracting(e -> e.eventId).containsExactly("small");
        assertThat(oversize).extracting(e -> e.eventId).containsExactly("huge");
    }

    @Test
    void completedEventsAreDropped() {
        PendingEvent done = event("done", 10, 1);
        done.fail(new LedgerClosedException("test"));
        ArrayDeque<PendingEvent> ready = queue(done, event("live", 10, 1));

        List<PendingEvent> batch = BatchBuilder.take(ready, 100, 1_000, NOW, expired::add, oversize::add);

        assertThat(batch).extracting(e -> e.eventId).containsExactly("live");
        assertThat(ready).isEmpty();
    }

    @Test
    void groupThatFitsTheNextBatchWholeIsNotSplit() {
        ArrayDeque<PendingEvent> ready = queue(event("single", 10, 1),
                event("g1", 10, 3), event("g2", 10, 0), event("g3", 10, 0));

        List<PendingEvent> first = BatchBuilder.take(ready, 3, 1_000, NOW, expired::add, oversize::add);
        List<PendingEvent> second = BatchBuilder.take(ready, 3, 1_000, NOW, expired::add, oversize::add);

        assertThat(first).extracting(e -> e.eventId).containsExactly("single");
        assertThat(second).extracting(e -> e.eventId).containsExactly("g1", "g2", "g3");
    }

    @Test
    void groupLargerThanABatchIsSplitAcrossBatches() {
        ArrayDeque<PendingEvent> ready = queue(event("g1", 10, 3), event("g2", 10, 0), event("g3", 10, 0));

        List<PendingEvent> first = BatchBuilder.take(ready, 2, 1_000, NOW, expired::add, oversize::add);

        assertThat(first).extracting(e -> e.eventId).containsExactly("g1", "g2");
    }

    @Test
    void eventsPastTheirDeadlineAreHandedBackNeverSent() {
        ArrayDeque<PendingEvent> ready = queue(event("late", 10, 1, NOW - 1), event("a", 10, 1),
                event("due-now", 10, 1, NOW), event("b", 10, 1, NOW + 1));

        List<PendingEvent> batch = BatchBuilder.take(ready, 100, 1_000, NOW, expired::add, oversize::add);

        assertThat(batch).extracting(e -> e.eventId).containsExactly("a", "b");
        assertThat(expired).extracting(e -> e.eventId).containsExactly("late", "due-now");
        assertThat(ready).isEmpty();
    }
    @Test
    void eventsThatExactlyFillTheFrameAllGoInOneBatch() {
        ArrayDeque<PendingEvent> ready = queue(event("a", 100, 1), event("b", 100, 1), event("c", 100, 1));
        int frame = BatchBuilder.FRAME_OVERHEAD_BYTES + 3 * BatchBuilder.encodedSize(ready.peek());

        assertThat(BatchBuilder.take(ready, 100, frame, NOW, expired::add, oversize::add)).hasSize(3);

        ArrayDeque<PendingEvent> again = queue(event("a", 100, 1), event("b", 100, 1), event("c", 100, 1));
        assertThat(BatchBuilder.take(again, 100, frame - 1, NOW, expired::add, oversize::add))
                .as("one byte short").hasSize(2);
    }

    @Test
    void anEventThatExactlyFillsAFrameAloneIsSentAndOneByteMoreIsOversize() {
        PendingEvent exact = event("exact", 1_000, 1);
        int frame = BatchBuilder.FRAME_OVERHEAD_BYTES + BatchBuilder.encodedSize(exact);
        assertThat(BatchBuilder.take(queue(exact), 100, frame, NOW, expired::add, oversize::add))
                .containsExactly(exact);
        PendingEvent tooBig = event("big", 1_000, 1);
        assertThat(BatchBuilder.take(queue(tooBig), 100, frame - 1, NOW, expired::add, oversize::add)).isEmpty();
        assertThat(oversize).containsExactly(tooBig);
    }

    @Test
    void anEventWhoseDeadlineIsNowIsExpiredNotSent() {
        PendingEvent due = event("due", 10, 1, NOW);
        PendingEvent next = event("next", 10, 1, NOW + 1);
        List<PendingEvent> batch = BatchBuilder.take(queue(due, next), 100, 1_000, NOW, expired::add, oversize::add);
        assertThat(batch).containsExactly(next);
        assertThat(expired).containsExactly(due);
    }

    @Test
    void aGroupThatExactlyFillsTheRestOfABatchJoinsIt() {
        ArrayDeque<PendingEvent> ready = queue(event("single", 10, 1), event("g1", 10, 2), event("g2", 10, 1));
        List<PendingEvent> batch = BatchBuilder.take(ready, 3, 1_000, NOW, expired::add, oversize::add);
        assertThat(batch).extracting(e -> e.eventId).containsExactly("single", "g1", "g2");
    }

    @Test
    void aGroupAsLargeAsABatchStartsTheNextOneWhole() {
        ArrayDeque<PendingEvent> ready = queue(event("single", 10, 1), event("g1", 10, 3), event("g2", 10, 1),
                event("g3", 10, 1));
        List<PendingEvent> first = BatchBuilder.take(ready, 3, 1_000, NOW, expired::add, oversize::add);
        assertThat(first).extracting(e -> e.eventId).containsExactly("single");
        List<PendingEvent> second = BatchBuilder.take(ready, 3, 1_000, NOW, expired::add, oversize::add);
        assertThat(second).extracting(e -> e.eventId).containsExactly("g1", "g2", "g3");
    }

    @Test
    void theEncodedSizeIsTheFieldTagItsLengthAndTheBytes() {
        assertThat(BatchBuilder.encodedSize(event("a", 10, 1))).isEqualTo(1 + 1 + 10);
        assertThat(BatchBuilder.encodedSize(event("a", 200, 1))).isEqualTo(1 + 2 + 200);
    }
}
