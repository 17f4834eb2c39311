package dev.ledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.Status;
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
    void firstOutcomeWinsOverALaterOne() {
        PendingEvent event = pending();

        event.fail(new LedgerClosedException("closed"));
        event.completeFinal(result(Status.STATUS_ACCEPTED));

        assertThatThrownBy(event.future::join).cause().isInstanceOf(LedgerClosedException.class);
    }
}
