package dev.ledger.server.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

/** Which failures make the server replace its producer. The replacement itself: {@code ProducerReplacementTest}. */
class ProducerSlotTest {

    @Test
    void errorsThatLeaveAProducerUnusableAreFatal() {
        assertThat(ProducerSlot.isFatal(new ProducerFencedException("fenced"))).isTrue();
        assertThat(ProducerSlot.isFatal(new OutOfOrderSequenceException("gap"))).isTrue();
        assertThat(ProducerSlot.isFatal(new UnknownProducerIdException("gone"))).isTrue();
        assertThat(ProducerSlot.isFatal(new ClusterAuthorizationException("no IdempotentWrite"))).isTrue();
        assertThat(ProducerSlot.isFatal(new UnsupportedVersionException("old broker"))).isTrue();
        assertThat(ProducerSlot.isFatal(new IllegalStateException("producer has been closed"))).isTrue();
        assertThat(ProducerSlot.isFatal(new KafkaException("wrapped", new ProducerFencedException("f")))).isTrue();
    }

    @Test
    void errorsOfOneRecordOrOfKafkaItselfAreNotFatal() {
        assertThat(ProducerSlot.isFatal(new NotEnoughReplicasException("1 in sync"))).isFalse();
        assertThat(ProducerSlot.isFatal(new TimeoutException("expired"))).isFalse();
        assertThat(ProducerSlot.isFatal(new RecordTooLargeException("big"))).isFalse();
        assertThat(ProducerSlot.isFatal(new BufferExhaustedException("full"))).isFalse();
        assertThat(ProducerSlot.isFatal(new TopicAuthorizationException("no write on the topic"))).isFalse();
        assertThat(ProducerSlot.isFatal(new KafkaException("Producer is closed forcefully."))).isFalse();
    }
}
