package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.MutationEvent;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.server.kafka.KafkaCircuit;
import dev.ledger.server.kafka.ProducerSlot;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import dev.ledger.testkit.support.TopicRecords;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Kafka producer that can never send again is closed and replaced while the server runs, on a real broker.
 *
 * <p>The first test makes a real producer unusable the one way a test can without a transactional or secured
 * cluster: it closes it under the server, so {@code send()} throws Kafka's {@code IllegalStateException}. The
 * errors the broker can make fatal (a fenced producer, lost sequence state, a missing cluster ACL) cannot be
 * provoked on an idempotent producer of an open test cluster, so the second test hands the writer's seam, {@link
 * ProducerSlot#onFailure}, a {@code ProducerFencedException} for the real producer in use, while an event sits
 * unsent in that producer's buffer (the first producer lingers 30 s): the event is answered UNAVAILABLE by the
 * replacement, not by the ack timeout, and its retry is stored once, by the new producer.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProducerReplacementTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startSingleNode();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ServerConfig.Builder config(String topic) {
        return ServerConfig.builder().bootstrapServers(kafka.bootstrapServers()).developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic(topic).topicPartitions(3);
    }

    @Test
    void closedProducerIsReplacedAndTheSameEventIsAcceptedWithoutARestart() throws Exception {
        try (LedgerServer server = LedgerServer.start(config("ledger.replace-closed").build());
                RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "replace-closed")) {
            assertThat(c.submitAndAwait(1, List.of(TestEvents.topUp("rc1", 1))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);
            ProducerSlot slot = server.context().writer().producers();
            Producer<byte[], byte[]> broken = slot.current();
            broken.close(Duration.ZERO);

            MutationEvent event = TestEvents.topUp("rc2", 5);
            EventResult refused = c.submitAndAwait(2, List.of(event)).getResults(0);
            assertThat(refused.getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);

            EventResult stored = retryUntilAccepted(c, event, new AtomicLong(3));
            assertThat(slot.current()).isNotSameAs(broken);
            assertThat(server.producerReplacements()).isEqualTo(1);
            assertThat(slot.fatalFailures()).isEqualTo(1);
            assertThat(TopicRecords.at(kafka.bootstrapServers(), "ledger.replace-closed", stored.getPartition(),
                    stored.getOffset()).value()).isEqualTo(event.toByteArray());
        }
    }

    @Test
    void eventInFlightOnAFatallyFailedProducerIsAnsweredUnavailableAndItsRetryStoredOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        try (LedgerServer server = LedgerServer.start(config("ledger.replace-fenced").ackTimeoutMs(60_000).build(),
                props -> lingeringFirst(props, made));
                RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "replace-fenced")) {
            MutationEvent event = TestEvents.topUp("rf1", 7);
            c.submit(1, List.of(event));
            assertThat(c.readWithin(Duration.ofMillis(500))).as("the event waits in the first producer's buffer").isNull();

            ProducerSlot slot = server.context().writer().producers();
            Producer<byte[], byte[]> fenced = slot.current();
            assertThat(slot.onFailure(fenced, new ProducerFencedException("injected by the test"))).isTrue();
            ServerFrame answer = c.readWithin(Duration.ofSeconds(15));
            assertThat(answer).as("answered by the replacement, long before the 60 s ack timeout").isNotNull();
            Ack ack = answer.getAck();
            assertThat(ack.getRequestId()).isEqualTo(1);
            assertThat(ack.getResults(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);

            EventResult stored = retryUntilAccepted(c, event, new AtomicLong(2));
            assertThat(made.get()).as("producers made: the first and one replacement").isEqualTo(2);
            assertThat(server.producerReplacements()).isEqualTo(1);
            assertThat(stored.getOffset()).as("the fenced producer's copy never reached Kafka").isZero();

            // Late failures of the replaced producer start no second replacement.
            assertThat(slot.onFailure(fenced, new ProducerFencedException("late"))).isTrue();
            assertThat(slot.isReplacing()).isFalse();
            assertThat(server.producerReplacements()).isEqualTo(1);
        }
    }

    @Test
    void recordsDroppedByTheReplacementDoNotOpenTheCircuit() throws Exception {
        AtomicInteger made = new AtomicInteger();
        try (LedgerServer server = LedgerServer.start(config("ledger.replace-circuit").ackTimeoutMs(60_000).build(),
                props -> lingeringFirst(props, made));
                RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "replace-circuit")) {
            List<MutationEvent> buffered = List.of(TestEvents.topUp("rcc1", 1), TestEvents.topUp("rcc2", 2),
                    TestEvents.topUp("rcc3", 3), TestEvents.topUp("rcc4", 4));
            c.submit(1, buffered);
            assertThat(c.readWithin(Duration.ofMillis(500))).as("the 4 events wait in the first producer's buffer").isNull();

            ProducerSlot slot = server.context().writer().producers();
            KafkaCircuit circuit = server.context().writer().circuit();
            assertThat(slot.onFailure(slot.current(), new ProducerFencedException("injected by the test"))).isTrue();
            ServerFrame answer = c.readWithin(Duration.ofSeconds(15));
            assertThat(answer).as("the dropped events are answered").isNotNull();
            assertThat(answer.getAck().getResultsList()).hasSize(4)
                    .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (slot.isReplacing() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(slot.isReplacing()).as("replaced within 15 s").isFalse();

            // 4 "Producer is closed forcefully." failures would open a 3-failure circuit for 1 s if they fed it.
            assertThat(circuit.isOpen()).as(circuit.refusalReason()).isFalse();
            EventResult next = c.submitAndAwait(2, List.of(TestEvents.topUp("rcc5", 5))).getResults(0);
            assertThat(next.getStatus()).as(next.getReason()).isEqualTo(Status.STATUS_ACCEPTED);
            assertThat(server.producerReplacements()).isEqualTo(1);
        }
    }

    /** The first producer holds records for 30 s before sending (linger); replacements use the real settings. */
    private static Producer<byte[], byte[]> lingeringFirst(Properties settings, AtomicInteger made) {
        Properties p = new Properties();
        p.putAll(settings);
        if (made.getAndIncrement() == 0) {
            p.put(ProducerConfig.LINGER_MS_CONFIG, "30000");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
        }
        return new KafkaProducer<>(p);
    }

    /** Resends the same event, as the SDK does after UNAVAILABLE, until it is ACCEPTED (at most 30 s). */
    private static EventResult retryUntilAccepted(RawFrameClient c, MutationEvent event, AtomicLong requestIds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        EventResult last;
        do {
            Thread.sleep(100);
            last = c.submitAndAwait(requestIds.getAndIncrement(), List.of(event)).getResults(0);
        } while (last.getStatus() != Status.STATUS_ACCEPTED && System.nanoTime() < deadline);
        assertThat(last.getStatus()).as("retry after the replacement: " + last.getReason())
                .isEqualTo(Status.STATUS_ACCEPTED);
        return last;
    }
}
