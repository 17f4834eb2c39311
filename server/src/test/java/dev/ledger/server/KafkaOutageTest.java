package dev.ledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.Ack;
import dev.ledger.proto.EventResult;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.config.ServerConfig;
import dev.ledger.testkit.support.RawFrameClient;
import dev.ledger.testkit.support.TestEvents;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With every broker stopped, Submits are answered UNAVAILABLE, none hangs; after a restart writes succeed again. */
class KafkaOutageTest {

    private static final long ACK_TIMEOUT_MS = 1500;
    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.startSingleNode();
        server = LedgerServer.start(ServerConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .developmentMode(true)
                .bindAddress("127.0.0.1").port(0).topic("ledger.outage").ackTimeoutMs(ACK_TIMEOUT_MS).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void brokerOutageAnswersUnavailableAndRecoveryAcceptsAgain() throws Exception {
        try (RawFrameClient c = RawFrameClient.connectAndHello(server.port(), "outage")) {
            assertThat(c.submitAndAwait(1, List.of(TestEvents.topUp("o1", 1))).getResults(0).getStatus())
                    .isEqualTo(Status.STATUS_ACCEPTED);

            kafka.stopAllBrokers();
            // Several pipelined Submits: every one is answered, every event UNAVAILABLE, within the ack timeout
            // plus slack; the event loop keeps answering Pings meanwhile.
            long startNanos = System.nanoTime();
            for (long id = 10; id < 20; id++) {
                c.submit(id, List.of(TestEvents.transfer("o1", "o2", 5), TestEvents.topUp("o3", 2)));
            }
            c.ping(77);
            Set<Long> answered = new HashSet<>();
            boolean pong = false;
            while (answered.size() < 10) {
                ServerFrame f = c.read();
                if (f.hasPong()) {
                    pong = true;
                    continue;
                }
                Ack ack = f.getAck();
                assertThat(ack.getResultsList()).extracting(EventResult::getStatus).containsOnly(Status.STATUS_UNAVAILABLE);
                assertThat(ack.getResultsList()).allSatisfy(r -> assertThat(r.getReason()).isNotEmpty());
                answered.add(ack.getRequestId());
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            assertThat(elapsedMs).as("bounded by the ack timeout, not Kafka's delivery timeout")
                    .isLessThan(ACK_TIMEOUT_MS + 10_000);
            if (!pong) {
                assertThat(c.read().getPong().getNonce()).isEqualTo(77);
            }

            // The circuit is open now: further Submits are refused without waiting for the ack timeout.
            Ack refused = c.submitAndAwait(30, List.of(TestEvents.topUp("o4", 1)));
            assertThat(refused.getResults(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);

            kafka.startAllBrokers();
            long id = 100;
            Status status = Status.STATUS_UNAVAILABLE;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (status != Status.STATUS_ACCEPTED && System.nanoTime() < deadline) {
                status = c.submitAndAwait(id++, List.of(TestEvents.topUp("o5", 1))).getResults(0).getStatus();
                if (status != Status.STATUS_ACCEPTED) {
                    Thread.sleep(200);
                }
            }
            assertThat(status).isEqualTo(Status.STATUS_ACCEPTED);
        }
    }
}
