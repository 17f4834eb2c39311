package dev.ledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.client.LedgerClient;
import dev.ledger.devkafka.EmbeddedKafka;
import dev.ledger.proto.ServerFrame;
import dev.ledger.proto.Status;
import dev.ledger.server.LedgerServer;
import dev.ledger.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 2: every broker down for at least {@value #OUTAGE_SECONDS} s under load, then back. While Kafka is
 * gone the server answers a raw Submit with UNAVAILABLE within seconds, its event loops keep answering Pings
 * within 1 s, and the SDK keeps retrying; once the broker is back the load completes and every ACCEPTED id is in
 * Kafka. Runs on the shared single-node cluster, whose only broker is "all brokers" (see the report for why not
 * the 3-node cluster).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaOutageFaultTest {

    private static final String TOPIC = "faults.kafka-outage";
    private static final int OUTAGE_SECONDS = 10;
    private static final long ACK_TIMEOUT_MS = 2_000;

    private static EmbeddedKafka kafka;
    private static LedgerServer server;

    @BeforeAll
    static void startServer() {
        kafka = SharedKafka.singleNode();
        kafka.createTopic(TOPIC, 3, 1, Map.of());
        server = LedgerServer.start(ServerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .bindAddress("127.0.0.1")
                .port(0)
                .topic(TOPIC)
                .topicPartitions(3)
                .ackTimeoutMs(ACK_TIMEOUT_MS)
                .build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void allBrokersDownServerAnswersUnavailableStaysResponsiveAndLoadCompletesAfterRecovery() {
        int port = server.port();
        boolean brokerDown = false;
        try (LedgerClient client = LedgerClient.builder()
                        .endpoints("127.0.0.1:" + port)
                        .clientName("outage-load")
                        .requestTimeout(Duration.ofSeconds(60))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .build();
                RawFrameClient submitter = RawFrameClient.connectAndHello(port, "outage-submitter");
                RawFrameClient pinger = RawFrameClient.connectAndHello(port, "outage-pinger")) {
            LoadRunner load = LoadRunner.start(client, "outage", 2, 300, 600);
            assertThat(load.awaitAccepted(300, Duration.ofSeconds(30))).as("load warmed up").isTrue();

            load.faultStarted();
            kafka.stopAllBrokers();
            brokerDown = true;
            long outageStart = System.nanoTime();

            long submitStart = System.nanoTime();
            submitter.send(RawFrameClient.submitFrame(1, TestEvents.transfers("during-outage", 1)));
            ServerFrame ack = submitter.read(Duration.ofSeconds(15));
            long unavailableMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submitStart);
            assertThat(ack).as("Ack during the outage").isNotNull();
            assertThat(ack.getAck().getResults(0).getStatus()).isEqualTo(Status.STATUS_UNAVAILABLE);
            assertThat(unavailableMs).as("UNAVAILABLE within a few seconds").isLessThan(ACK_TIMEOUT_MS + 3_000);

            long worstPongMs = 0;
            long nonce = 0;
            while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS)) {
                long pingStart = System.nanoTime();
                pinger.send(RawFrameClient.pingFrame(++nonce));
                ServerFrame pong = pinger.read(Duration.ofSeconds(1));
                assertThat(pong.getPong().getNonce()).isEqualTo(nonce);
                worstPongMs = Math.max(worstPongMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pingStart));
                sleepMillis(200);
            }
            long acceptedBeforeRecovery = load.accepted();
            kafka.startAllBrokers();
            brokerDown = false;
            long outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);
            assertThat(load.awaitAccepted(acceptedBeforeRecovery + 600, Duration.ofSeconds(60)))
                    .as("load completes after recovery").isTrue();
            load.faultEnded();

            LoadRunner.Result result = load.stopAndAwait(Duration.ofSeconds(90));
            TopicVerifier.Verification v = TopicVerifier.verify(kafka.bootstrapServers(), TOPIC,
                    result.acceptedIds(), Duration.ofSeconds(60));
            FaultReport.record(new FaultReport.Row("2 all brokers down " + outageMs / 1000 + " s", result.sent(),
                    result.accepted(), result.failed(), v.lost(), v.duplicates(), result.worstFaultLatencyMs(),
                    "raw Submit answered UNAVAILABLE in " + unavailableMs + " ms; worst Pong " + worstPongMs
                            + " ms (" + nonce + " pings); failures " + result.failuresByType()));

            assertThat(worstPongMs).as("event loop answers Pings within 1 s during the outage").isLessThan(1_000);
            assertThat(result.unanswered()).as("unanswered futures").isZero();
            assertThat(result.failed()).as("failures " + result.failuresByType()).isZero();
            assertThat(v.missing()).as("ACCEPTED ids missing from Kafka").isEmpty();
        } finally {
            if (brokerDown) {
                kafka.startAllBrokers(); // leave the shared cluster usable for the next class
            }
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
