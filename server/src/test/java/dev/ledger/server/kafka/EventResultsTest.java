package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.proto.Status;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class EventResultsTest {

    @Test
    void retriableKafkaFailuresAreUnavailableWithTheMessage() {
        var r = EventResults.fromThrowable("e1", new NotEnoughReplicasException("only 1 in sync"));
        assertThat(r.getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(r.getReason()).contains("only 1 in sync");
        assertThat(r.getEventId()).isEqualTo("e1");
        assertThat(EventResults.isKafkaUnavailable(new TimeoutException("t"))).isTrue();
    }

    @Test
    void recordsKafkaCanNeverTakeAreInvalid() {
        var r = EventResults.fromThrowable("e2", new RecordTooLargeException("too big"));
        assertThat(r.getStatus()).isEqualTo(Status.STATUS_INVALID);
        assertThat(EventResults.isKafkaUnavailable(new RecordTooLargeException("too big"))).isFalse();
    }

    @Test
    void unexpectedFailuresAreUnavailableNeverLost() {
        var r = EventResults.fromThrowable("e3", new IllegalStateException());
        assertThat(r.getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
        assertThat(r.getReason()).contains("IllegalStateException");
    }

    @Test
    void fullProducerBufferIsOverloadedAndDoesNotTripTheCircuit() {
        var full = new org.apache.kafka.clients.producer.BufferExhaustedException("no room");
        assertThat(EventResults.fromThrowable("e4", full).getStatus()).isEqualTo(Status.STATUS_OVERLOADED);
        assertThat(EventResults.isKafkaUnavailable(full)).isFalse();
    }
}
